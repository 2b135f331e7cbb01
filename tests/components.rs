//! The docker, helm and github-actions components on real generated projects, judged by the
//! tools a client's pipeline would run: hadolint, actionlint (with shellcheck), strict
//! yamllint and helm, plus checks that the pieces agree with each other (ports, probe paths,
//! the Go version, release permissions). Each test renders every combination into one
//! sandbox and batches the tools over all of it. The charts have tests of their own in
//! helm_chart.rs; zizmor, checkov and dclint run in security_checks.rs.

use regex::Regex;
use serde_json::Value;

use crate::generated::{
    assert_silent, chart_dirs, generate, parse_yaml, project_files, projects, read, workflows,
};
use crate::support::require_tool;

#[test]
fn every_generated_dockerfile_workflow_and_yaml_file_passes_its_linter() {
    let hadolint = require_tool("hadolint");
    let actionlint = require_tool("actionlint");
    let shellcheck = require_tool("shellcheck");
    let yamllint = require_tool("yamllint");
    let sandbox = generate();

    let mut dockerfiles = Vec::new();
    let mut workflow_files = Vec::new();
    let mut yaml_files = Vec::new();
    for project in projects() {
        let files = project_files(&sandbox, project);
        let in_project = |f: &String| format!("{}/{f}", project.name);
        if project.has("docker") {
            assert!(
                files.iter().any(|f| f == "Dockerfile"),
                "{}: --with docker wrote no Dockerfile",
                project.name
            );
        }
        dockerfiles.extend(
            files
                .iter()
                .filter(|f| f.rsplit('/').next().unwrap().starts_with("Dockerfile"))
                .map(in_project),
        );
        let project_workflows = workflows(&files);
        if project.has("github-actions") {
            for expected in [".github/workflows/ci.yml", ".github/workflows/release.yml"] {
                assert!(
                    project_workflows.iter().any(|f| f == expected),
                    "{}: --with github-actions wrote no {expected}",
                    project.name
                );
            }
        }
        workflow_files.extend(project_workflows.iter().map(in_project));
        // Helm templates are Go templates, not YAML, until helm renders them.
        let templates: Vec<String> = chart_dirs(&files)
            .iter()
            .map(|chart| format!("{chart}/templates/"))
            .collect();
        yaml_files.extend(
            files
                .iter()
                .filter(|f| f.ends_with(".yaml") || f.ends_with(".yml"))
                .filter(|f| !templates.iter().any(|t| f.starts_with(t.as_str())))
                .map(in_project),
        );
    }
    assert!(!dockerfiles.is_empty() && !workflow_files.is_empty());

    // One process per Dockerfile, so the message names the file even if the output does not.
    for dockerfile in &dockerfiles {
        let mut cmd = sandbox.command(&hadolint);
        // Its environment variables could ignore rules or lower the threshold.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("HADOLINT_") {
                cmd.env_remove(key);
            }
        }
        assert_silent(
            &format!("hadolint on {dockerfile}"),
            cmd.arg("--no-color").arg(dockerfile),
        );
    }

    // actionlint checks the shell of every run: step with shellcheck; its findings name
    // the project and file.
    assert_silent(
        &format!("actionlint on {workflow_files:?}"),
        sandbox
            .command(&actionlint)
            .arg("-no-color")
            .arg("-shellcheck")
            .arg(&shellcheck)
            .args(&workflow_files),
    );

    // The default rules, strict (warnings fail too), whatever configuration lies around,
    // with the one relaxation the projects' own .yamllint.yml makes: lines up to 100
    // columns, for actions pinned by SHA with the release in a comment.
    for project in projects().filter(|p| p.has("github-actions")) {
        let config = read(&sandbox, project, ".yamllint.yml");
        let config = parse_yaml(project, ".yamllint.yml", &config);
        assert_eq!(
            (&config["extends"], &config["rules"]),
            (
                &serde_json::json!("default"),
                &serde_json::json!({"line-length": {"max": 100}})
            ),
            "{}: .yamllint.yml relaxes more than the line length",
            project.name
        );
    }
    assert_silent(
        &format!("yamllint -s on {yaml_files:?}"),
        sandbox
            .command(&yamllint)
            .env_remove("YAMLLINT_CONFIG_FILE")
            .args(["-s", "-f", "parsable", "-d"])
            .arg("{extends: default, rules: {line-length: {max: 100}}}")
            .args(&yaml_files),
    );
}

fn expose_lines(dockerfile: &str) -> Vec<String> {
    dockerfile
        .lines()
        .map(str::trim)
        .filter(|l| l.to_ascii_uppercase().starts_with("EXPOSE"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn compose_and_dockerfile_publish_the_service_port_and_pin_go_from_go_mod() {
    let sandbox = generate();
    let go_version = scaffold::pack::globals().unwrap()["go_version"]
        .as_str()
        .unwrap()
        .to_owned();
    let arg_go = Regex::new(r"(?m)^\s*ARG\s+GO_VERSION=(\S+)").unwrap();
    let from_golang = Regex::new(r"(?mi)^\s*FROM\s+(?:--\S+\s+)*golang:([^\s@]+)").unwrap();

    for project in projects() {
        let name = project.name;
        let go_mod = read(&sandbox, project, "go.mod");
        let go_line = go_mod
            .lines()
            .find_map(|l| l.strip_prefix("go "))
            .unwrap_or_else(|| panic!("{name}: go.mod has no `go` line:\n{go_mod}"));
        let go_line = go_line.trim();
        assert_eq!(
            go_line, go_version,
            "{name}: go.mod's go version differs from globals.yaml's go_version"
        );

        let dockerfile = read(&sandbox, project, "Dockerfile");
        // Every golang image the Dockerfile names, through the GO_VERSION argument or literally.
        let mut versions: Vec<String> = arg_go
            .captures_iter(&dockerfile)
            .map(|c| c[1].trim_matches('"').to_owned())
            .collect();
        for tag in from_golang.captures_iter(&dockerfile) {
            let tag = &tag[1];
            if !tag.starts_with('$') {
                versions.push(tag.split('-').next().unwrap().to_owned());
            }
        }
        assert!(
            !versions.is_empty(),
            "{name}: Dockerfile names no golang:X image or GO_VERSION=X argument"
        );
        for version in &versions {
            assert_eq!(
                version, go_line,
                "{name}: Dockerfile builds with Go {version}, go.mod says go {go_line}"
            );
        }

        // Services are probed over HTTP by the orchestrator and commands report through their
        // exit status; the long-running worker checks its own heartbeat, with no shell.
        let healthchecks: Vec<&str> = dockerfile
            .lines()
            .filter(|l| l.trim_start().starts_with("HEALTHCHECK"))
            .collect();
        if name.starts_with("bot") && !project.service {
            assert!(
                healthchecks.len() == 1
                    && dockerfile.contains(&format!(
                        "CMD [\"/usr/local/bin/{name}\", \"-healthcheck\"]"
                    )),
                "{name}: the worker's Dockerfile should run -healthcheck once:\n{dockerfile}"
            );
        } else {
            assert!(
                healthchecks.is_empty(),
                "{name}: unexpected HEALTHCHECK: {healthchecks:?}"
            );
        }

        let exposed = expose_lines(&dockerfile);
        let compose = sandbox.path(&format!("{name}/docker-compose.yml"));
        if !project.service {
            assert!(
                exposed.is_empty(),
                "{name}: Dockerfile of a command-line tool exposes a port: {exposed:?}"
            );
            assert!(
                !compose.exists(),
                "{name}: docker-compose.yml written for a command-line tool"
            );
            continue;
        }
        let port = project.port;
        assert!(
            exposed == [format!("EXPOSE {port}")] || exposed == [format!("EXPOSE {port}/tcp")],
            "{name}: Dockerfile should EXPOSE {port} once, has {exposed:?}"
        );

        let text = read(&sandbox, project, "docker-compose.yml");
        let doc = parse_yaml(project, "docker-compose.yml", &text);
        let service = &doc["services"][name];
        assert!(
            service.is_object(),
            "{name}: docker-compose.yml has no service named {name}:\n{text}"
        );
        assert_eq!(
            service["ports"],
            serde_json::json!([format!("127.0.0.1:{port}:{port}")]),
            "{name}: docker-compose.yml should publish the service port on loopback only"
        );
        let context = match &service["build"] {
            Value::String(context) => context.clone(),
            build => build["context"].as_str().unwrap_or_default().to_owned(),
        };
        assert!(
            context == "." || context == "./",
            "{name}: docker-compose.yml does not build from `.`: {:?}",
            service["build"]
        );
    }
}

/// The jobs of a workflow by id.
fn jobs(workflow: &Value) -> Vec<(&String, &Value)> {
    workflow["jobs"]
        .as_object()
        .map(|jobs| jobs.iter().collect())
        .unwrap_or_default()
}

fn steps(job: &Value) -> Vec<&Value> {
    job["steps"]
        .as_array()
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

fn step_uses(job: &Value, prefix: &str) -> bool {
    steps(job)
        .iter()
        .any(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
}

fn step_runs(job: &Value, needle: &str) -> bool {
    steps(job)
        .iter()
        .any(|s| s["run"].as_str().is_some_and(|r| r.contains(needle)))
}

fn permission<'a>(holder: &'a Value, scope: &str) -> &'a str {
    holder["permissions"][scope].as_str().unwrap_or_default()
}

#[test]
fn workflows_take_go_from_go_mod_and_release_with_least_privilege() {
    let sandbox = generate();
    let archive = Regex::new(
        r"(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|[a-z][a-z0-9-]*)_\$\{?[^_\s]*(?i:version)[^_\s]*_\$\{?\{?\s*(?:GOOS|matrix\.goos|env\.GOOS)\s*\}?\}?_\$\{?\{?\s*(?:GOARCH|matrix\.goarch|env\.GOARCH)",
    )
    .unwrap();
    let checksums = Regex::new(r#"sha256sum[^\n]*(?:>|\btee\b)\s*"?[\w./$-]*SHA256SUMS"#).unwrap();

    for project in projects().filter(|p| p.has("github-actions")) {
        let name = project.name;
        for file in workflows(&project_files(&sandbox, project)) {
            let text = read(&sandbox, project, &file);
            let workflow = parse_yaml(project, &file, &text);
            let what = format!("{name}: {file}");

            // Least privilege: nothing granted at the top, each job names what it needs.
            let top = &workflow["permissions"];
            assert!(
                top.is_object(),
                "{what}: no top-level `permissions:` map, got {top}"
            );
            for (scope, level) in top.as_object().unwrap() {
                assert!(
                    level == "read" || level == "none",
                    "{what}: top-level permission {scope}: {level} grants write to every job"
                );
            }

            let mut setup_go = 0;
            for (id, job) in jobs(&workflow) {
                for step in steps(job) {
                    if step["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("actions/setup-go@"))
                    {
                        setup_go += 1;
                        assert!(
                            step["with"]["go-version-file"] == "go.mod"
                                && step["with"].get("go-version").is_none(),
                            "{what}: job {id} sets up Go without go-version-file: go.mod: {}",
                            step["with"]
                        );
                    }
                }
                let publishes = step_runs(job, "gh release") || step_uses(job, "softprops/");
                if permission(job, "contents") == "write" {
                    assert!(
                        publishes,
                        "{what}: job {id} has contents: write but publishes no release"
                    );
                }
                if publishes {
                    assert_eq!(
                        permission(job, "contents"),
                        "write",
                        "{what}: release job {id} needs contents: write"
                    );
                }
                let pushes_image =
                    step_uses(job, "docker/build-push-action") || step_runs(job, "docker push");
                if permission(job, "packages") == "write" {
                    assert!(
                        pushes_image,
                        "{what}: job {id} has packages: write but pushes no image"
                    );
                }
                if let Some(all) = job["permissions"].as_str() {
                    panic!("{what}: job {id} has permissions: {all}; list the scopes it needs");
                }
                assert!(
                    job["permissions"].is_object(),
                    "{what}: job {id} does not list its permissions"
                );
                for step in steps(job) {
                    let Some(uses) = step["uses"].as_str() else {
                        continue;
                    };
                    if uses.starts_with("actions/checkout@") {
                        assert_eq!(
                            permission(job, "contents"),
                            if publishes { "write" } else { "read" },
                            "{what}: job {id} checks out the code without contents: read"
                        );
                        assert_eq!(
                            step["with"]["persist-credentials"], false,
                            "{what}: job {id} leaves the token in .git/config"
                        );
                    }
                }
            }
            assert!(setup_go > 0, "{what}: no actions/setup-go step");
        }

        let file = ".github/workflows/release.yml";
        let what = format!("{name}: {file}");
        let text = read(&sandbox, project, file);
        let workflow = parse_yaml(project, file, &text);

        let base = archive.captures(&text).unwrap_or_else(|| {
            panic!("{what}: no archive named <name>_<version>_<os>_<arch>:\n{text}")
        });
        let binary = base[1].trim_start_matches("${").trim_start_matches('$');
        let binary = binary.trim_end_matches('}');
        assert!(
            binary == name
                || text.contains(&format!("{binary}: {name}\n"))
                || text.contains(&format!("{binary}=\"{name}\""))
                || text.contains(&format!("{binary}={name}\n")),
            "{what}: the archive name starts with {}, which is not {name}",
            &base[1]
        );
        let lines: Vec<&str> = text.lines().collect();
        let windows_zip = lines.iter().enumerate().any(|(i, line)| {
            line.contains("windows")
                && lines[i..(i + 6).min(lines.len())]
                    .iter()
                    .any(|l| l.contains("zip ") && l.contains(".zip"))
        });
        assert!(windows_zip, "{what}: Windows builds are not packed as zip");
        assert!(
            checksums.is_match(&text),
            "{what}: no step writes SHA256SUMS with sha256sum"
        );
        assert!(
            jobs(&workflow)
                .iter()
                .any(|(_, job)| permission(job, "contents") == "write"),
            "{what}: no job may publish the release (contents: write)"
        );

        let image_jobs: Vec<&String> = jobs(&workflow)
            .into_iter()
            .filter(|(_, job)| {
                step_uses(job, "docker/build-push-action") || step_runs(job, "docker push")
            })
            .map(|(id, _)| id)
            .collect();
        if project.long_running() && project.has("docker") {
            assert!(
                !image_jobs.is_empty(),
                "{what}: a service or worker with docker publishes no container image"
            );
        } else {
            assert!(
                image_jobs.is_empty(),
                "{what}: a command-line tool publishes a container image ({image_jobs:?})"
            );
        }
    }
}

/// `scaffold add` on a Go project scaffold did not write builds the main package that is
/// there and packs only the documents that exist; a project without a license never
/// points at a LICENSE.
#[test]
fn added_components_follow_the_project_they_are_added_to() {
    let hadolint = require_tool("hadolint");
    let actionlint = require_tool("actionlint");
    let shellcheck = require_tool("shellcheck");
    let sandbox = crate::support::Sandbox::new();

    // A module with its main package at the root and no README.md or LICENSE.
    let root = sandbox.path("plain");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("go.mod"),
        "module example.com/acme/plain\n\ngo 1.27\n",
    )
    .unwrap();
    std::fs::write(root.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    // One under cmd/, with both documents.
    let tidy = sandbox.path("tidy");
    std::fs::create_dir_all(tidy.join("cmd/tidy")).unwrap();
    std::fs::write(
        tidy.join("go.mod"),
        "module example.com/acme/tidy\n\ngo 1.27\n",
    )
    .unwrap();
    std::fs::write(
        tidy.join("cmd/tidy/main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    std::fs::write(tidy.join("README.md"), "# tidy\n").unwrap();
    std::fs::write(tidy.join("LICENSE"), "MIT\n").unwrap();
    for dir in ["plain", "tidy"] {
        for component in ["docker", "github-actions"] {
            sandbox
                .run(&["add", component, "--dir", dir, "--defaults"])
                .success();
        }
    }

    let release_env = |dir: &str| {
        let text =
            std::fs::read_to_string(sandbox.path(&format!("{dir}/.github/workflows/release.yml")))
                .unwrap();
        let doc: Value = serde_saphyr::from_str(&text).unwrap();
        let env = doc["jobs"]["build"]["env"].clone();
        (text, env)
    };
    let (plain_release, env) = release_env("plain");
    assert_eq!(
        env["MAIN"], ".",
        "plain: release.yml builds {}",
        env["MAIN"]
    );
    assert_eq!(env["DOCS"], "", "plain: release.yml packs {}", env["DOCS"]);
    let plain_dockerfile = std::fs::read_to_string(sandbox.path("plain/Dockerfile")).unwrap();
    assert!(
        plain_dockerfile.contains("-o /out/plain .\n"),
        "plain: the Dockerfile does not build the root package:\n{plain_dockerfile}"
    );
    for (file, text) in [
        ("release.yml", &plain_release),
        ("Dockerfile", &plain_dockerfile),
    ] {
        assert!(
            !text.contains("LICENSE") && !text.contains("README.md") && !text.contains("cmd/"),
            "plain: {file} refers to files the project does not have:\n{text}"
        );
    }

    let (_, env) = release_env("tidy");
    assert_eq!(
        env["MAIN"], "./cmd/tidy",
        "tidy: release.yml builds {}",
        env["MAIN"]
    );
    assert_eq!(
        env["DOCS"], "README.md LICENSE",
        "tidy: release.yml packs {}",
        env["DOCS"]
    );
    let tidy_dockerfile = std::fs::read_to_string(sandbox.path("tidy/Dockerfile")).unwrap();
    assert!(
        tidy_dockerfile.contains("-o /out/tidy ./cmd/tidy\n")
            && tidy_dockerfile.contains("org.opencontainers.image.licenses="),
        "tidy: the Dockerfile ignores cmd/tidy or the LICENSE:\n{tidy_dockerfile}"
    );

    for dir in ["plain", "tidy"] {
        assert_silent(
            &format!("hadolint on {dir}/Dockerfile"),
            sandbox
                .command(&hadolint)
                .arg("--no-color")
                .arg(format!("{dir}/Dockerfile")),
        );
        assert_silent(
            &format!("actionlint on {dir}"),
            sandbox
                .command(&actionlint)
                .arg("-no-color")
                .arg("-shellcheck")
                .arg(&shellcheck)
                .arg(format!("{dir}/.github/workflows/ci.yml"))
                .arg(format!("{dir}/.github/workflows/release.yml")),
        );
    }

    // A new project without the license component mentions no LICENSE anywhere.
    sandbox
        .run(&[
            "new",
            "rest-api",
            "unlicensed",
            "--defaults",
            "--without",
            "license",
            "--with",
            "docker,helm,github-actions",
        ])
        .success();
    let mentions: Vec<String> = crate::support::read_tree(&sandbox.path("unlicensed"))
        .into_iter()
        .filter(|(_, contents, _)| String::from_utf8_lossy(contents).contains("LICENSE"))
        .map(|(path, _, _)| path)
        .collect();
    assert!(
        mentions.is_empty(),
        "--without license leaves LICENSE references in {mentions:?}"
    );
}

/// Go supports its two newest releases only: the Go that go.mod, the builder image and CI
/// use (globals.yaml's go_version) must not be older than the Go running these tests.
#[test]
fn the_pinned_go_release_is_not_older_than_the_go_running_the_tests() {
    let go = require_tool("go");
    let mut cmd = std::process::Command::new(go);
    crate::support::go_env(&mut cmd).args(["env", "GOVERSION"]);
    let running = crate::support::check_output(&mut cmd);
    let release = |version: &str| -> (u32, u32) {
        let mut parts = version.trim().trim_start_matches("go").split('.');
        let mut next = || {
            parts
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("cannot read the Go release in {version:?}"))
        };
        (next(), next())
    };
    let pinned = scaffold::pack::globals().unwrap()["go_version"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        release(&pinned) >= release(&running),
        "templates/globals.yaml pins Go {pinned}, older than the {} running the tests: \
         move go_version to a supported release",
        running.trim()
    );
}
