//! What `scaffold new` writes and prints when the input is good.

use std::fs;

use serde_json::Value;

use crate::support::{Sandbox, read_tree};

#[test]
fn defaults_produce_a_complete_deliverable() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .run(&["new", "rest-api", "orders-api", "--defaults"])
        .success();
    assert!(
        run.stderr.contains("Created orders-api from pack rest-api"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let names: Vec<String> = sandbox
        .files("orders-api")
        .into_iter()
        .map(|f| f.0)
        .collect();
    for expected in [
        ".editorconfig",
        ".env.example",
        ".gitignore",
        ".scaffold.yaml",
        "CHANGELOG.md",
        "LICENSE",
        "Makefile",
        "README.md",
        "api/openapi.yaml",
        "cmd/orders-api/main.go",
        "go.mod",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    let go_mod = fs::read_to_string(sandbox.path("orders-api/go.mod")).unwrap();
    assert!(
        go_mod.starts_with("module github.com/your-name/orders-api\n"),
        "{go_mod}"
    );
    assert_eq!(
        sandbox.work_entries(),
        ["orders-api"],
        "staging left behind"
    );

    let healthcheck = sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults"])
        .success();
    assert!(healthcheck.stderr.contains("Created pinger"));
    assert!(
        !sandbox.path("pinger/.env.example").exists(),
        "a CLI has no .env.example"
    );
}

#[test]
fn output_is_deterministic() {
    let sandbox = Sandbox::new();
    for dir in ["a", "b"] {
        sandbox
            .run(&[
                "new",
                "rest-api",
                "orders",
                "--defaults",
                "--set",
                "year=2030",
                "-o",
                dir,
            ])
            .success();
    }
    let a = read_tree(&sandbox.path("a"));
    assert_eq!(a, read_tree(&sandbox.path("b")));
    let license = fs::read_to_string(sandbox.path("a/LICENSE")).unwrap();
    assert!(license.contains("2030"), "{license}");
}

#[test]
fn the_project_records_pack_and_answers() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--set",
            "timeout=9s",
            "--set",
            "year=2026",
        ])
        .success();
    let record = fs::read_to_string(sandbox.path("pinger/.scaffold.yaml")).unwrap();
    let record = scaffold::project_record::ProjectRecord::from_yaml(&record).unwrap();
    let pack = record.pack.unwrap();
    assert_eq!(pack.name, "healthcheck");
    assert_eq!(pack.source, "builtin");
    assert_eq!(record.components, ["docker", "github-actions", "license"]);
    assert_eq!(record.scaffold_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(record.answers["timeout"], "9s");
    assert_eq!(record.answers["project_name"], "pinger");
    assert_eq!(record.answers["year"], 2026);
}

#[test]
fn licenses_follow_the_answer() {
    let sandbox = Sandbox::new();
    for (license, needle) in [
        ("MIT", "Permission is hereby granted, free of charge"),
        ("Apache-2.0", "Apache License"),
        (
            "BSD-3-Clause",
            "Redistribution and use in source and binary forms",
        ),
    ] {
        let dir = format!("p-{}", license.to_lowercase());
        sandbox
            .run(&[
                "new",
                "healthcheck",
                "pinger",
                "-o",
                &dir,
                "--defaults",
                "--set",
                &format!("license={license}"),
                "--set",
                "author=Ada Lovelace",
                "--set",
                "year=2026",
            ])
            .success();
        let text = fs::read_to_string(sandbox.path(&format!("{dir}/LICENSE"))).unwrap();
        assert!(text.contains(needle), "{license}: {text}");
        assert!(
            text.contains("2026") && text.contains("Ada Lovelace"),
            "{license}: {text}"
        );
        let readme = fs::read_to_string(sandbox.path(&format!("{dir}/README.md"))).unwrap();
        assert!(readme.contains(license), "README does not name {license}");
    }
}

#[test]
fn json_summary_goes_to_stdout() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .run(&["new", "rest-api", "orders", "--defaults", "--json"])
        .success();
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["pack"], "rest-api");
    assert_eq!(summary["project_name"], "orders");
    assert_eq!(summary["dry_run"], false);
    assert_eq!(summary["answers"]["port"], 8080);
    let files = summary["files"].as_array().unwrap();
    assert_eq!(files.len(), sandbox.files("orders").len());
    assert!(files.iter().all(|f| f["action"] == "created"));
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .run(&["new", "rest-api", "orders", "--defaults", "--dry-run"])
        .success();
    assert!(
        run.stdout.contains("go.mod") && run.stdout.contains(".scaffold.yaml"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("nothing was written"));
    assert!(sandbox.work_entries().is_empty());
}

#[test]
fn force_overwrites_conflicts_and_keeps_the_rest() {
    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.path("pinger")).unwrap();
    fs::write(sandbox.path("pinger/README.md"), "old readme").unwrap();
    fs::write(sandbox.path("pinger/notes.txt"), "keep me").unwrap();
    let run = sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--force",
            "--json",
        ])
        .success();
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    let readme = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "README.md")
        .unwrap();
    assert_eq!(readme["action"], "overwritten");
    assert_eq!(
        fs::read_to_string(sandbox.path("pinger/notes.txt")).unwrap(),
        "keep me"
    );
    assert_ne!(
        fs::read_to_string(sandbox.path("pinger/README.md")).unwrap(),
        "old readme"
    );
}

#[test]
fn git_makes_one_initial_commit() {
    let sandbox = Sandbox::new().with_git_identity();
    sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults", "--git"])
        .success();
    let log = sandbox
        .command("git")
        .args(["-C", "pinger", "log", "--format=%an <%ae>|%s"])
        .output()
        .unwrap();
    let log = String::from_utf8(log.stdout).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(
        log.starts_with("Ada Lovelace <ada@example.com>|Initial commit"),
        "{log}"
    );
    let status = sandbox
        .command("git")
        .args(["-C", "pinger", "status", "--porcelain"])
        .output()
        .unwrap();
    assert!(
        status.stdout.is_empty(),
        "uncommitted files: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    // The git identity is also the default author.
    let license = fs::read_to_string(sandbox.path("pinger/LICENSE")).unwrap();
    assert!(license.contains("Ada Lovelace"));
}
