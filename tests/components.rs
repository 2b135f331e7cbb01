//! The docker, helm and github-actions components on real generated projects, judged by the
//! tools a client's pipeline would run: hadolint, actionlint (with shellcheck), strict
//! yamllint and helm, plus checks that the pieces agree with each other (ports, probe paths,
//! the Go version, release permissions). Each test renders every combination into one
//! sandbox and batches the tools over all of it.

use std::collections::BTreeMap;
use std::fs;
use std::process::Command;

use regex::Regex;
use serde_json::Value;

use crate::support::{Sandbox, require_tool};

/// One generated project and what its answers promise.
struct Project {
    pack: &'static str,
    name: &'static str,
    with: &'static str,
    sets: &'static [&'static str],
    /// A long-running network service: compose file, EXPOSE, chart, container image.
    service: bool,
    port: u16,
    metrics: bool,
}

impl Project {
    fn has(&self, component: &str) -> bool {
        self.with.split(',').any(|c| c == component)
    }
}

const PROJECTS: &[Project] = &[
    Project {
        pack: "rest-api",
        name: "api-default",
        with: "docker,helm,github-actions",
        sets: &[],
        service: true,
        port: 8080,
        metrics: true,
    },
    Project {
        pack: "rest-api",
        name: "api-custom",
        with: "docker,helm,github-actions",
        sets: &["with_metrics=false", "port=9000"],
        service: true,
        port: 9000,
        metrics: false,
    },
    Project {
        pack: "healthcheck",
        name: "pinger",
        with: "docker,github-actions",
        sets: &[],
        service: false,
        port: 0,
        metrics: false,
    },
];

/// The bot pack: a Discord bot serves an HTTP interactions endpoint (a service), a Telegram
/// bot long-polls (no port, no chart).
const BOT_PROJECTS: &[Project] = &[
    Project {
        pack: "bot",
        name: "bot-discord",
        with: "docker,helm,github-actions",
        sets: &["platform=discord"],
        service: true,
        port: 8080,
        metrics: false,
    },
    Project {
        pack: "bot",
        name: "bot-telegram",
        with: "docker,github-actions",
        sets: &["platform=telegram"],
        service: false,
        port: 0,
        metrics: false,
    },
];

fn projects() -> impl Iterator<Item = &'static Project> {
    PROJECTS.iter().chain(BOT_PROJECTS)
}

/// Renders every project into one fresh sandbox.
fn generate() -> Sandbox {
    let sandbox = Sandbox::new();
    for project in projects() {
        let mut args = vec![
            "new",
            project.pack,
            project.name,
            "--defaults",
            "--set",
            "year=2026",
            "--with",
            project.with,
        ];
        for set in project.sets {
            args.extend(["--set", set]);
        }
        let run = sandbox.run(&args);
        assert_eq!(
            run.code,
            0,
            "{}: scaffold {} failed:\n{}{}",
            project.name,
            args.join(" "),
            run.stdout,
            run.stderr
        );
    }
    sandbox
}

/// Every file of `project`, relative to the project root, sorted.
fn project_files(sandbox: &Sandbox, project: &Project) -> Vec<String> {
    crate::support::read_tree(&sandbox.path(project.name))
        .into_iter()
        .map(|(path, _, _)| path)
        .collect()
}

fn read(sandbox: &Sandbox, project: &Project, relative: &str) -> String {
    let path = sandbox.path(&format!("{}/{relative}", project.name));
    fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: cannot read {relative}: {err}", project.name))
}

fn parse_yaml(project: &Project, relative: &str, text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text)
        .unwrap_or_else(|err| panic!("{}: {relative} is not valid YAML: {err}", project.name))
}

/// The directories holding a Chart.yaml, relative to the project root.
fn chart_dirs(files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| f.strip_suffix("/Chart.yaml"))
        .map(str::to_owned)
        .collect()
}

fn workflows(files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            f.starts_with(".github/workflows/") && (f.ends_with(".yml") || f.ends_with(".yaml"))
        })
        .cloned()
        .collect()
}

/// Runs a validator over `paths` (relative to the work directory) and requires it to
/// succeed and print nothing at all.
#[track_caller]
fn assert_silent(what: &str, cmd: &mut Command) {
    let output = cmd
        .output()
        .unwrap_or_else(|err| panic!("running {cmd:?}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.trim().is_empty() && stderr.trim().is_empty(),
        "{what} reported problems ({}):\n{stdout}{stderr}",
        output.status
    );
}

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

/// Runs a command in the sandbox and returns its stdout, failing with `what` and its output.
#[track_caller]
fn run_ok(what: &str, cmd: &mut Command) -> String {
    crate::support::check_streams(what, cmd).0
}

/// helm's multi-document output as (kind, name) -> manifest.
fn manifests(what: &str, rendered: &str) -> BTreeMap<(String, String), Value> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(rendered)
        .unwrap_or_else(|err| panic!("{what}: output is not YAML: {err}\n{rendered}"));
    let mut out = BTreeMap::new();
    for doc in docs.into_iter().filter(|d| !d.is_null()) {
        let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
        let name = doc["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            out.insert((kind.clone(), name.clone()), doc).is_none(),
            "{what}: two {kind} named {name}"
        );
    }
    out
}

fn of_kind<'a>(docs: &'a BTreeMap<(String, String), Value>, kind: &str) -> Vec<&'a Value> {
    docs.iter()
        .filter(|((k, _), _)| k == kind)
        .map(|(_, v)| v)
        .collect()
}

/// Keys and `env` entries that would carry a credential in a values file.
fn literal_secrets(value: &Value, path: &str, found: &mut Vec<String>) {
    let sensitive = |key: &str| {
        let key = key.to_ascii_lowercase();
        ["password", "passwd", "token", "secret", "apikey", "api_key"]
            .iter()
            .any(|s| key.contains(s))
    };
    let filled = |v: &Value| match v {
        Value::String(s) => !s.is_empty(),
        Value::Number(_) => true,
        _ => false,
    };
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(name)), Some(v)) = (map.get("name"), map.get("value"))
                && sensitive(name)
                && filled(v)
            {
                found.push(format!("{path}: {name}={v}"));
            }
            for (key, v) in map {
                let here = format!("{path}.{key}");
                if sensitive(key) && filled(v) {
                    found.push(format!("{here}: {v}"));
                }
                literal_secrets(v, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                literal_secrets(v, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn helm_charts_lint_strictly_and_render_hardened_probed_workloads() {
    let helm = require_tool("helm");
    let sandbox = generate();
    for project in projects() {
        let name = project.name;
        let files = project_files(&sandbox, project);
        let charts = chart_dirs(&files);
        if !project.has("helm") {
            assert!(charts.is_empty(), "{name}: a chart without --with helm");
            continue;
        }
        assert!(
            project.service,
            "{name}: the table asks for a chart for a non-service"
        );
        assert_eq!(
            charts.len(),
            1,
            "{name}: --with helm should write one chart, found {charts:?}"
        );
        let chart = format!("{name}/{}", charts[0]);

        run_ok(
            &format!("{name}: helm lint --strict {chart}"),
            sandbox.command(&helm).args(["lint", "--strict", &chart]),
        );

        let values_path = format!("{}/values.yaml", charts[0]);
        let values = parse_yaml(
            project,
            &values_path,
            &read(&sandbox, project, &values_path),
        );
        let mut secrets = Vec::new();
        literal_secrets(&values, "", &mut secrets);
        assert!(
            secrets.is_empty(),
            "{name}: {values_path} holds literal secrets: {secrets:?}"
        );

        let monitor_file = format!("{}/templates/servicemonitor.yaml", charts[0]);
        if !project.metrics {
            assert!(
                !files.contains(&monitor_file),
                "{name}: {monitor_file} written with metrics off"
            );
        }

        let fullname = format!("rel-{name}");
        for toggles in [None, Some("ingress.enabled=true,autoscaling.enabled=true")] {
            let mut cmd = sandbox.command(&helm);
            cmd.args(["template", "rel", &chart]);
            if let Some(set) = toggles {
                cmd.args(["--set", set]);
            }
            let what = format!(
                "{name}: helm template rel {chart}{}",
                toggles.map(|s| format!(" --set {s}")).unwrap_or_default()
            );
            let docs = manifests(&what, &run_ok(&what, &mut cmd));
            let port = project.port;

            let deployment = docs
                .get(&("Deployment".into(), fullname.clone()))
                .unwrap_or_else(|| {
                    panic!(
                        "{what}: no Deployment named {fullname}, rendered {:?}",
                        docs.keys()
                    )
                });
            let pod = &deployment["spec"]["template"]["spec"];
            let containers = pod["containers"].as_array().cloned().unwrap_or_default();
            let container = containers
                .iter()
                .find(|c| {
                    c["ports"]
                        .as_array()
                        .is_some_and(|ps| ps.iter().any(|p| p["name"] == "http"))
                })
                .unwrap_or_else(|| panic!("{what}: no container has a port named http"));
            let http = container["ports"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "http")
                .unwrap();
            assert_eq!(
                http["containerPort"], port,
                "{what}: container port http is not {port}"
            );
            for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
                let get = &container[probe]["httpGet"];
                assert!(
                    get["path"] == path && get["port"] == "http",
                    "{what}: {probe} should GET {path} on port http, is {}",
                    container[probe]
                );
            }
            assert_eq!(
                container["securityContext"]["readOnlyRootFilesystem"], true,
                "{what}: the container's root filesystem is writable"
            );
            // The container's setting overrides the pod's.
            let non_root = container["securityContext"]
                .get("runAsNonRoot")
                .unwrap_or(&pod["securityContext"]["runAsNonRoot"]);
            assert_eq!(
                non_root, true,
                "{what}: runAsNonRoot is not true for the container"
            );
            for part in ["requests", "limits"] {
                let set = &container["resources"][part];
                assert!(
                    set.get("cpu").is_some() && set.get("memory").is_some(),
                    "{what}: resources.{part} lacks cpu or memory: {}",
                    container["resources"]
                );
            }

            let services = of_kind(&docs, "Service");
            assert!(
                services.iter().any(|s| {
                    s["spec"]["ports"]
                        .as_array()
                        .is_some_and(|ps| ps.iter().any(|p| p["port"] == port))
                }),
                "{what}: no Service on port {port}"
            );

            let ingresses = of_kind(&docs, "Ingress");
            let hpas = of_kind(&docs, "HorizontalPodAutoscaler");
            if toggles.is_some() {
                assert!(!ingresses.is_empty(), "{what}: no Ingress");
                assert!(
                    hpas.iter()
                        .any(|h| h["spec"]["scaleTargetRef"]["name"] == fullname.as_str()),
                    "{what}: no HorizontalPodAutoscaler scaling {fullname}"
                );
            } else {
                assert!(
                    ingresses.is_empty() && hpas.is_empty(),
                    "{what}: Ingress or HPA rendered though off by default"
                );
            }

            let monitors = of_kind(&docs, "ServiceMonitor");
            if project.metrics {
                assert!(
                    monitors.iter().any(|m| {
                        m["spec"]["endpoints"]
                            .as_array()
                            .is_some_and(|es| es.iter().any(|e| e["path"] == "/metrics"))
                    }),
                    "{what}: no ServiceMonitor scraping /metrics with metrics on"
                );
            } else {
                assert!(
                    monitors.is_empty(),
                    "{what}: a ServiceMonitor with metrics off"
                );
            }
        }
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
        if project.service && project.has("docker") {
            assert!(
                !image_jobs.is_empty(),
                "{what}: a service with docker publishes no container image"
            );
        } else {
            assert!(
                image_jobs.is_empty(),
                "{what}: a command-line tool publishes a container image ({image_jobs:?})"
            );
        }
    }
}
