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

/// An existing empty directory (say a shared, setgid one) is filled, not replaced: its
/// inode, mode and owner stay, and `-o .` works in it.
#[cfg(unix)]
#[test]
fn an_empty_destination_is_filled_in_place() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let sandbox = Sandbox::new();
    let dest = sandbox.path("shared");
    fs::create_dir(&dest).unwrap();
    fs::set_permissions(&dest, fs::Permissions::from_mode(0o2770)).unwrap();
    let before = fs::metadata(&dest).unwrap();
    let run = sandbox
        .command(crate::support::BIN)
        .args(["new", "healthcheck", "pinger", "-o", ".", "--defaults"])
        .current_dir(&dest)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    crate::support::Run::from(run).success();
    let after = fs::metadata(&dest).unwrap();
    assert_eq!(after.ino(), before.ino(), "the directory was replaced");
    assert_eq!(after.permissions().mode() & 0o7777, 0o2770);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    assert!(dest.join("go.mod").is_file());
    assert!(
        !fs::read_dir(&dest).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".scaffold-")),
        "staging left behind"
    );
}

/// The longest legal directory name (255 bytes, NAME_MAX) is not pushed over the limit by
/// the staging directory beside it.
#[test]
fn a_255_byte_destination_name_works() {
    let sandbox = Sandbox::new();
    let name = format!("a{}", "b".repeat(254));
    sandbox
        .run(&["new", "healthcheck", "pinger", "-o", &name, "--defaults"])
        .success();
    assert!(
        sandbox
            .path(&format!("{name}/cmd/pinger/main.go"))
            .is_file()
    );
    assert_eq!(sandbox.work_entries(), [name]);
}

/// Messages are not worth a failure: with stderr full or closed the project is still
/// written and the run succeeds.
#[cfg(unix)]
#[test]
fn an_unwritable_stderr_does_not_fail_the_run() {
    let sandbox = Sandbox::new();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    for (dir, stderr) in [
        ("full", std::process::Stdio::from(full)),
        ("closed", std::process::Stdio::from(writer)),
    ] {
        let output = sandbox
            .command(crate::support::BIN)
            .args(["new", "healthcheck", "pinger", "-o", dir, "--defaults"])
            .stdin(std::process::Stdio::null())
            .stderr(stderr)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "stderr {dir}");
        assert!(sandbox.path(&format!("{dir}/go.mod")).is_file());
    }
}

/// `--force` over a scaffold project renders it with the recorded answers and components;
/// what is given on the command line still wins.
#[test]
fn force_keeps_the_recorded_answers_and_components() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--without",
            "docker",
            "--set",
            "module_path=example.com/acme/pinger",
            "--set",
            "author=Ada Lovelace",
            "--set",
            "year=2024",
        ])
        .success();
    let run = sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--force",
            "--set",
            "timeout=9s",
        ])
        .success();
    assert!(
        run.stderr
            .contains("Using the answers and components recorded in pinger/.scaffold.yaml"),
        "{}",
        run.stderr
    );
    let go_mod = fs::read_to_string(sandbox.path("pinger/go.mod")).unwrap();
    assert!(
        go_mod.starts_with("module example.com/acme/pinger\n"),
        "{go_mod}"
    );
    let license = fs::read_to_string(sandbox.path("pinger/LICENSE")).unwrap();
    assert!(license.contains("2024 Ada Lovelace"), "{license}");
    assert!(
        !sandbox.path("pinger/Dockerfile").exists(),
        "docker came back"
    );
    let record = fs::read_to_string(sandbox.path("pinger/.scaffold.yaml")).unwrap();
    let record = scaffold::project_record::ProjectRecord::from_yaml(&record).unwrap();
    assert_eq!(record.answers["timeout"], "9s");
    assert_eq!(record.components, ["github-actions", "license"]);

    sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--force",
            "--with",
            "docker",
        ])
        .success();
    assert!(sandbox.path("pinger/Dockerfile").is_file());
}

/// A symbolic link as the destination is described as one.
#[cfg(unix)]
#[test]
fn symbolic_link_destinations_are_described_as_links() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults"])
        .success();
    std::os::unix::fs::symlink("pinger", sandbox.path("link")).unwrap();
    std::os::unix::fs::symlink("nowhere", sandbox.path("dangling")).unwrap();
    std::os::unix::fs::symlink("pinger/go.mod", sandbox.path("to-file")).unwrap();
    for dest in ["link", "link/"] {
        sandbox
            .run(&["new", "healthcheck", "other", "-o", dest, "--defaults"])
            .fails_with(
                1,
                &[&format!(
                    "{dest} (a symbolic link to pinger) already exists and is not empty"
                )],
            );
    }
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "other",
            "-o",
            "dangling",
            "--defaults",
        ])
        .fails_with(
            1,
            &["dangling is a symbolic link to nowhere, which does not exist"],
        );
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "other",
            "-o",
            "to-file/",
            "--defaults",
        ])
        .fails_with(
            1,
            &["to-file/ is a symbolic link to pinger/go.mod, which is not a directory"],
        );
    // A link to an empty directory is written through.
    fs::create_dir(sandbox.path("empty")).unwrap();
    std::os::unix::fs::symlink("empty", sandbox.path("to-empty")).unwrap();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "other",
            "-o",
            "to-empty/",
            "--defaults",
        ])
        .success();
    assert!(sandbox.path("empty/go.mod").is_file());
}
