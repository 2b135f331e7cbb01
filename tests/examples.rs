//! The files in examples/ work as documented.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{BIN, Sandbox, check_output, require_tool};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn answers_files_generate_without_prompts() {
    let sandbox = Sandbox::new();
    for (pack, answers, name) in [
        ("healthcheck", "healthcheck.yaml", "uptime-probe"),
        ("rest-api", "rest-api.yaml", "invoice-service"),
    ] {
        let run = sandbox
            .run(&["new", pack, "--answers", &example(answers), "--json"])
            .success();
        let summary: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(summary["project_name"], name);
        let go_mod = fs::read_to_string(sandbox.path(&format!("{name}/go.mod"))).unwrap();
        assert!(go_mod.starts_with(&format!("module github.com/acme-consulting/{name}\n")));
    }
    let handlers = fs::read_to_string(sandbox.path("invoice-service/api/openapi.yaml")).unwrap();
    assert!(handlers.contains("/invoices"));
}

#[test]
fn the_ci_script_generates_a_committed_repository() {
    let sandbox = Sandbox::new();
    let bin_dir = Path::new(BIN).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = check_output(sandbox.command("bash").env("PATH", path).args([
        &example("ci.sh"),
        "rest-api",
        &example("rest-api.yaml"),
        "client-repo",
    ]));
    assert!(out.contains("files into client-repo"), "{out}");
    let summary: Value = serde_json::from_str(
        &fs::read_to_string(sandbox.path("client-repo.summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["git"], true);
    let log = check_output(
        sandbox
            .command("git")
            .args(["-C", "client-repo", "log", "--oneline"]),
    );
    assert_eq!(log.lines().count(), 1, "{log}");
}

#[test]
fn the_ci_script_passes_shellcheck() {
    let shellcheck = require_tool("shellcheck");
    check_output(Sandbox::new().command(shellcheck).arg(example("ci.sh")));
}
