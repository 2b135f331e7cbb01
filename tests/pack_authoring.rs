//! Writing a pack: `scaffold pack new` gives a skeleton that checks and tests clean,
//! `pack check` finds every seeded problem where it is, `pack test` fails on Go that does not
//! compile, and the embedded packs and the example pack pass `pack test` with every tool.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::packs::scaffold;
use crate::support::{Sandbox, require_tool};

fn repo_path(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(relative)
        .display()
        .to_string()
}

/// Every tool `pack test` may use, so a missing one fails the test instead of skipping.
fn require_checkers() {
    for tool in [
        "go",
        "hadolint",
        "actionlint",
        "yamllint",
        "shellcheck",
        "helm",
    ] {
        require_tool(tool);
    }
}

/// `pack test` with missing tools failing, as in CI.
fn pack_test(sandbox: &Sandbox, pack: &str) -> crate::support::Run {
    let mut cmd = sandbox.command(crate::support::BIN);
    crate::packs::isolate(sandbox, &mut cmd);
    let output = cmd
        .args(["pack", "test", pack, "--strict", "--json"])
        .env("CI", "true")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    crate::support::Run::from(output)
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn pack_new_writes_a_pack_that_checks_and_tests_clean() {
    require_checkers();
    let sandbox = Sandbox::new();
    let run = scaffold(&sandbox, &["pack", "new", "house-cli"]).success();
    assert!(
        run.stderr.contains("Created pack house-cli"),
        "{}",
        run.stderr
    );
    let manifest = fs::read_to_string(sandbox.path("house-cli/pack.yaml")).unwrap();
    for needle in [
        "name: house-cli",
        "type: string",
        "type: bool",
        "type: int",
        "type: choice",
        "type: multi-choice",
        "when: loud",
        "checks:",
    ] {
        assert!(
            manifest.contains(needle),
            "missing {needle:?} in:\n{manifest}"
        );
    }
    assert!(sandbox.path("house-cli/README.md").is_file());
    assert!(sandbox.path("house-cli/partials/usage.hbs").is_file());
    let main =
        fs::read_to_string(sandbox.path("house-cli/files/cmd/{{project_name}}/main.go")).unwrap();
    assert!(
        main.contains("\\{{.Greeting}}"),
        "the skeleton shows escaped braces"
    );

    let check = scaffold(&sandbox, &["pack", "check", "house-cli"]).success();
    assert!(check.stdout.is_empty(), "{}", check.stdout);
    assert!(
        check.stderr.contains("no problems found"),
        "{}",
        check.stderr
    );

    let run = pack_test(&sandbox, "house-cli").success();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    // Defaults plus every loud × style combination but the default one.
    assert_eq!(report["projects"].as_array().unwrap().len(), 4);
    let statuses = statuses(&report);
    for check in ["gofmt", "go vet", "go test", "go build"] {
        assert!(
            statuses.contains(&(check.to_owned(), "passed".to_owned())),
            "{check}: {statuses:?}"
        );
    }
    assert!(statuses.contains(&("hadolint".to_owned(), "skipped".to_owned())));

    // A second `pack new` into the same place is refused and changes nothing.
    let before = sandbox.files("house-cli");
    let again = scaffold(&sandbox, &["pack", "new", "house-cli"]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert_eq!(sandbox.files("house-cli"), before);
    scaffold(&sandbox, &["pack", "new", "House CLI"])
        .fails_with(2, &["pack name `House CLI`", "lowercase"]);
}

#[test]
fn pack_check_reports_every_problem_with_its_position() {
    let sandbox = Sandbox::new();
    let pack = sandbox.path("broken");
    fs::create_dir_all(pack.join("files/cmd")).unwrap();
    fs::write(
        pack.join("pack.yaml"),
        "name: broken\n\
         description: d\n\
         version: 0.1.0\n\
         colour: red\n\
         variables:\n  \
         - name: project_name\n    type: string\n  \
         - name: port\n    type: int\n    default: 70000\n    max: 65535\n  \
         - name: metrics\n    type: bool\n    defualt: true\n  \
         - name: unused\n    type: string\n    default: x\n  \
         - name: tracing\n    type: bool\n    default: false\n    when: with_tracing\n",
    )
    .unwrap();
    fs::write(pack.join("files/go.mod"), "module {{project_name}}\n").unwrap();
    fs::write(
        pack.join("files/cmd/main.go"),
        "package main\n\n// {{port}} {{tracing}}\nvar x = \"{{hostname}}\"\n{{#if port}}\n",
    )
    .unwrap();
    fs::write(pack.join("files/{{project_name}}.txt"), "{{metrics}}\n").unwrap();
    fs::write(pack.join("files/example.txt"), "{{metrics}}\n").unwrap();

    let run = scaffold(&sandbox, &["pack", "check", "broken"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    for expected in [
        "broken/pack.yaml:4:1: error: unknown field `colour`",
        "broken/pack.yaml:14:5: error: `variables[2]`: unknown field `defualt`",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stdout
        );
    }
    // The schema mistakes hide nothing else once fixed: fix them and look again.
    let text = fs::read_to_string(pack.join("pack.yaml"))
        .unwrap()
        .replace("colour: red\n", "")
        .replace("defualt", "default");
    fs::write(pack.join("pack.yaml"), text).unwrap();
    let run = scaffold(&sandbox, &["pack", "check", "broken", "--json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let found: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let lines: Vec<String> = found
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["col"],
                d["severity"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    let all = lines.join("\n");
    for expected in [
        // A default that breaks its own range.
        "pack.yaml:9:14 error the default of `port` fails its own rules",
        // A declared variable nothing uses.
        "pack.yaml:14:11 warning variable `unused` is declared but never used",
        // A condition naming a variable that does not exist.
        "pack.yaml:20:11 error the condition `with_tracing` names `with_tracing`",
        // A template that does not parse: an `{{#if}}` never closed, found at the end.
        "files/cmd/main.go:6:1 error the template does not parse",
        // Two paths that render to the same file with the defaults (project_name is `example`).
        "files/{{project_name}}.txt:1:1 error the path renders to `example.txt`",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    // With the template fixed, its undeclared variable is found too.
    fs::write(
        pack.join("files/cmd/main.go"),
        "package main\n\n// {{port}} {{tracing}}\nvar x = \"{{hostname}}\"\n",
    )
    .unwrap();
    let run = scaffold(&sandbox, &["pack", "check", "broken"]);
    assert!(
        run.stdout
            .contains("broken/files/cmd/main.go:4:10: error: the template uses `hostname`"),
        "{}",
        run.stdout
    );

    // Not a pack at all: a usage error, not a report.
    fs::create_dir_all(sandbox.path("empty")).unwrap();
    sandbox
        .run(&["pack", "check", "empty"])
        .fails_with(2, &["has no pack.yaml", "scaffold pack new"]);
}

#[test]
fn pack_test_fails_when_the_go_does_not_compile() {
    require_tool("go");
    let sandbox = Sandbox::new();
    scaffold(&sandbox, &["pack", "new", "sloppy"]).success();
    let main = sandbox.path("sloppy/files/cmd/{{project_name}}/main.go");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        text.replace("return nil\n}", "return undefinedThing\n}"),
    )
    .unwrap();
    let run = scaffold(&sandbox, &["pack", "test", "sloppy"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("go vet  FAILED"), "{}", run.stdout);
    assert!(
        run.stdout.contains("undefined: undefinedThing"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(" failure"), "{}", run.stdout);
}

#[test]
fn embedded_packs_pass_pack_test() {
    require_checkers();
    let sandbox = Sandbox::new();
    for pack in ["healthcheck", "rest-api", "bot"] {
        let run = pack_test(&sandbox, &repo_path(&format!("templates/{pack}")));
        assert_eq!(run.code, 0, "{pack}:\n{}\n{}", run.stdout, run.stderr);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        for (check, status) in statuses(&report) {
            assert_ne!(status, "failed", "{pack}: {check}");
        }
    }
}

#[test]
fn the_example_pack_extends_rest_api_and_passes_check_and_test() {
    require_checkers();
    let sandbox = Sandbox::new();
    let example = repo_path("examples/custom-pack");
    let check = scaffold(&sandbox, &["pack", "check", &example]).success();
    assert!(check.stdout.is_empty(), "{}", check.stdout);
    let run = pack_test(&sandbox, &example).success();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    for (check, status) in statuses(&report) {
        assert_ne!(status, "failed", "{check}");
    }
    // What the example promises: rest-api's tree, its own README and middleware, its own
    // variable, and no .editorconfig.
    scaffold(
        &sandbox,
        &[
            "new",
            &example,
            "orders-api",
            "--defaults",
            "--set",
            "team=Payments",
        ],
    )
    .success();
    let readme = fs::read_to_string(sandbox.path("orders-api/README.md")).unwrap();
    assert!(
        readme.contains("Owned by the **Payments** team at Acme"),
        "{readme}"
    );
    let headers =
        fs::read_to_string(sandbox.path("orders-api/internal/middleware/headers.go")).unwrap();
    assert!(headers.contains("const team = \"Payments\""), "{headers}");
    assert!(
        sandbox
            .path("orders-api/internal/server/server.go")
            .is_file()
    );
    assert!(!sandbox.path("orders-api/.editorconfig").exists());
}

#[test]
fn pack_new_extends_an_existing_pack_only() {
    let sandbox = Sandbox::new();
    scaffold(
        &sandbox,
        &["pack", "new", "house-api", "--extends", "rest-api"],
    )
    .success();
    let manifest = fs::read_to_string(sandbox.path("house-api/pack.yaml")).unwrap();
    assert!(manifest.contains("extends: rest-api\n"), "{manifest}");
    scaffold(&sandbox, &["pack", "check", "house-api"]).success();
    scaffold(&sandbox, &["new", "house-api", "billing", "--defaults"]).success();
    let owners = fs::read_to_string(sandbox.path("billing/OWNERS.md")).unwrap();
    assert!(
        owners.contains("maintained by the Platform team"),
        "{owners}"
    );
    assert!(sandbox.path("billing/internal/server/server.go").is_file());

    scaffold(
        &sandbox,
        &["pack", "new", "orphan", "--extends", "rest-apii"],
    )
    .fails_with(
        2,
        &["`rest-apii`", "neither an embedded nor an installed pack"],
    );
    assert!(!sandbox.path("orphan").exists());
    // A parent that goes missing later is reported at the `extends:` line.
    let text = manifest.replace("extends: rest-api", "extends: gone");
    fs::write(sandbox.path("house-api/pack.yaml"), text).unwrap();
    let run = scaffold(&sandbox, &["pack", "check", "house-api"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("house-api/pack.yaml:8:10: error: pack `house-api` extends `gone`"),
        "{}",
        run.stdout
    );
}

/// `pack new` → edit → `pack check` → a bare git repository with two tags → `scaffold new
/// --pack file://…#v1`, which renders v1 and records where it came from.
#[test]
fn a_new_pack_goes_from_a_folder_to_git_to_a_project() {
    require_tool("git");
    let sandbox = Sandbox::new();
    scaffold(&sandbox, &["pack", "new", "house-cli"]).success();
    let pack = sandbox.path("house-cli");
    let manifest = pack.join("pack.yaml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("default: Hello", "default: Howdy")).unwrap();
    // An edit with a typo is caught before it is shared.
    let readme = pack.join("files/README.md");
    let good = fs::read_to_string(&readme).unwrap();
    fs::write(&readme, good.replace("{{project_name}}", "{{projct_name}}")).unwrap();
    let run = scaffold(&sandbox, &["pack", "check", "house-cli"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("house-cli/files/README.md:1:3: error: the template uses `projct_name`"),
        "{}",
        run.stdout
    );
    fs::write(&readme, &good).unwrap();
    scaffold(&sandbox, &["pack", "check", "house-cli"]).success();

    let git = |args: &[&str]| {
        let mut cmd = sandbox.command("git");
        cmd.current_dir(&pack).args([
            "-c",
            "user.name=Pack Author",
            "-c",
            "user.email=author@example.com",
        ]);
        crate::support::check_output(cmd.args(args))
            .trim()
            .to_owned()
    };
    let bare = sandbox.work().parent().unwrap().join("house-cli.git");
    git(&["init", "--quiet", "-b", "main"]);
    git(&["init", "--quiet", "--bare", &bare.display().to_string()]);
    git(&["add", "-A"]);
    git(&["commit", "--quiet", "-m", "house-cli v1"]);
    git(&["tag", "v1"]);
    let v1 = git(&["rev-parse", "HEAD"]);
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace("default: Howdy", "default: Greetings"),
    )
    .unwrap();
    git(&["commit", "--quiet", "-am", "house-cli v2"]);
    git(&["tag", "v2"]);
    git(&[
        "push",
        "--quiet",
        &bare.display().to_string(),
        "main",
        "v1",
        "v2",
    ]);

    let url = format!("file://{}", bare.display());
    scaffold(
        &sandbox,
        &[
            "new",
            "--pack",
            &format!("{url}#v1"),
            "hello-tool",
            "--defaults",
        ],
    )
    .success();
    let main = fs::read_to_string(sandbox.path("hello-tool/cmd/hello-tool/main.go")).unwrap();
    assert!(main.contains("greeting = \"Howdy\""), "{main}");
    let record = fs::read_to_string(sandbox.path("hello-tool/.scaffold.yaml")).unwrap();
    for needle in [url.as_str(), "v1", v1.as_str(), "content_hash"] {
        assert!(record.contains(needle), "missing {needle:?} in:\n{record}");
    }
    // The second tag, fetched again on request.
    scaffold(
        &sandbox,
        &[
            "new",
            "--pack",
            &format!("{url}#v2"),
            "hello-two",
            "--defaults",
            "--refresh",
        ],
    )
    .success();
    let main = fs::read_to_string(sandbox.path("hello-two/cmd/hello-two/main.go")).unwrap();
    assert!(main.contains("greeting = \"Greetings\""), "{main}");
}

#[test]
fn pack_test_takes_answer_sets_from_a_matrix_file() {
    require_tool("go");
    let sandbox = Sandbox::new();
    scaffold(&sandbox, &["pack", "new", "house-cli"]).success();
    fs::write(
        sandbox.path("matrix.yaml"),
        "- {loud: true, suffix: '?!', style: json, repeat: 3}\n- {extras: []}\n",
    )
    .unwrap();
    let run = scaffold(
        &sandbox,
        &[
            "pack",
            "test",
            "house-cli",
            "--matrix",
            "matrix.yaml",
            "--json",
        ],
    )
    .success();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["strategy"], "matrix file");
    let projects = report["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 2);
    assert_eq!(projects[0]["answers"]["suffix"], "?!");
    assert_eq!(projects[0]["answers"]["repeat"], 3);

    fs::write(sandbox.path("bad.yaml"), "- {lowd: true}\n").unwrap();
    scaffold(
        &sandbox,
        &["pack", "test", "house-cli", "--matrix", "bad.yaml"],
    )
    .fails_with(
        2,
        &[
            "bad.yaml answer set 1",
            "`lowd` is not a variable of pack `house-cli`",
        ],
    );
}

#[test]
fn a_missing_tool_is_skipped_with_the_reason_or_fails_when_strict() {
    let go = require_tool("go");
    let sandbox = Sandbox::new();
    scaffold(&sandbox, &["pack", "new", "boxed"]).success();
    fs::write(
        sandbox.path("boxed/files/Dockerfile"),
        "FROM scratch\nCOPY bin/{{project_name}} /app\nENTRYPOINT [\"/app\"]\n",
    )
    .unwrap();
    // A PATH with go and nothing else: no hadolint.
    let bin = sandbox.work().parent().unwrap().join("only-go");
    fs::create_dir_all(&bin).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&go, bin.join("go")).unwrap();
    let run_with = |extra: &[&str]| {
        let mut cmd = sandbox.command(crate::support::BIN);
        crate::packs::isolate(&sandbox, &mut cmd);
        cmd.env("PATH", &bin)
            .env_remove("CI")
            .args(["pack", "test", "boxed", "--json"])
            .args(extra)
            .stdin(std::process::Stdio::null());
        crate::support::Run::from(cmd.output().unwrap())
    };
    let relaxed = run_with(&[]);
    assert_eq!(relaxed.code, 0, "{}\n{}", relaxed.stdout, relaxed.stderr);
    let report: Value = serde_json::from_str(&relaxed.stdout).unwrap();
    let hadolint = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "hadolint")
        .unwrap()
        .clone();
    assert_eq!(hadolint["status"], "skipped");
    assert_eq!(hadolint["reason"], "hadolint not on PATH");
    assert!(statuses(&report).contains(&("go test".to_owned(), "passed".to_owned())));

    let strict = run_with(&["--strict"]);
    assert_eq!(strict.code, 1, "{}\n{}", strict.stdout, strict.stderr);
    let report: Value = serde_json::from_str(&strict.stdout).unwrap();
    assert!(statuses(&report).contains(&("hadolint".to_owned(), "failed".to_owned())));
}
