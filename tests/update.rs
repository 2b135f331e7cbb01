//! `scaffold update`, `diff` and `check-update` on projects made from the embedded packs.

use std::fs;

use crate::support::{Sandbox, read_tree};

fn new_rest_api(sandbox: &Sandbox) {
    sandbox
        .run(&[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--set",
            "year=2026",
            "-q",
        ])
        .success();
}

fn pack_version(sandbox: &Sandbox, project: &str) -> String {
    scaffold::project_record::ProjectRecord::read(&sandbox.path(project))
        .unwrap()
        .unwrap()
        .pack
        .unwrap()
        .version
}

fn read(sandbox: &Sandbox, path: &str) -> String {
    fs::read_to_string(sandbox.path(path)).unwrap()
}

#[test]
fn an_untouched_project_is_up_to_date_and_nothing_is_rewritten() {
    let sandbox = Sandbox::new();
    new_rest_api(&sandbox);
    let before = read_tree(&sandbox.path("orders"));
    let record = fs::metadata(sandbox.path("orders/.scaffold.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    let run = sandbox.run(&["update", "--dir", "orders"]).success();
    assert!(
        run.stderr.contains("is up to date with rest-api"),
        "{}",
        run.stderr
    );
    assert_eq!(read_tree(&sandbox.path("orders")), before);
    let after = fs::metadata(sandbox.path("orders/.scaffold.yaml"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(record, after, ".scaffold.yaml must not be rewritten");
    sandbox
        .run(&["diff", "--dir", "orders", "--exit-code"])
        .success();
    let check = sandbox.run(&["check-update", "--dir", "orders", "--json"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let summary: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(summary["update_available"], false);
}

#[test]
fn every_generated_file_is_recorded_with_its_sha256() {
    let sandbox = Sandbox::new();
    new_rest_api(&sandbox);
    let record = scaffold::project_record::ProjectRecord::read(&sandbox.path("orders"))
        .unwrap()
        .unwrap();
    let tree = read_tree(&sandbox.path("orders"));
    let generated: Vec<&(String, Vec<u8>, bool)> = tree
        .iter()
        .filter(|(path, _, _)| path != ".scaffold.yaml")
        .collect();
    assert_eq!(record.files.len(), generated.len());
    for (path, bytes, _) in generated {
        assert_eq!(
            record.files[path],
            scaffold::update::sha256_hex(bytes),
            "{path}"
        );
    }
}

/// Turning metrics off while updating: the untouched metrics package goes, an edited file
/// that the change touches is merged, and the user's own files stay.
#[test]
fn a_changed_answer_removes_untouched_files_merges_edited_ones_and_keeps_the_users() {
    let sandbox = Sandbox::new();
    new_rest_api(&sandbox);
    let readme = read(&sandbox, "orders/README.md");
    assert!(
        readme.contains("/metrics"),
        "the default README documents metrics"
    );
    // The user edits the README's first line and adds a file of their own.
    let edited = readme.replacen("# orders", "# orders (ACME edition)", 1);
    assert_ne!(edited, readme);
    fs::write(sandbox.path("orders/README.md"), &edited).unwrap();
    fs::write(sandbox.path("orders/NOTES.md"), "mine\n").unwrap();
    assert!(sandbox.path("orders/internal/metrics").is_dir());

    let dry = sandbox
        .run(&[
            "update",
            "--dir",
            "orders",
            "--set",
            "with_metrics=false",
            "--dry-run",
        ])
        .success();
    assert!(
        dry.stdout.contains("delete  internal/metrics/"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("merge  README.md"), "{}", dry.stdout);
    assert!(
        sandbox.path("orders/internal/metrics").is_dir(),
        "dry run wrote"
    );

    let run = sandbox
        .run(&["update", "--dir", "orders", "--set", "with_metrics=false"])
        .success();
    assert!(run.stderr.contains("Re-rendered"), "{}", run.stderr);
    assert!(!sandbox.path("orders/internal/metrics").exists());
    let merged = read(&sandbox, "orders/README.md");
    assert!(merged.contains("# orders (ACME edition)"), "{merged}");
    assert!(!merged.contains("/metrics"), "{merged}");
    assert_eq!(read(&sandbox, "orders/NOTES.md"), "mine\n");
    let record = read(&sandbox, "orders/.scaffold.yaml");
    assert!(record.contains("with_metrics: false"), "{record}");
    // The record now describes the new render: a second update has nothing to do.
    let again = sandbox.run(&["update", "--dir", "orders"]).success();
    assert!(again.stderr.contains("up to date"), "{}", again.stderr);
}

#[test]
fn conflicts_are_marked_inline_written_as_rej_or_refused() {
    for (mode, code) in [("inline", 1), ("rej", 1), ("fail", 1)] {
        let sandbox = Sandbox::new();
        new_rest_api(&sandbox);
        let env = read(&sandbox, "orders/.env.example");
        let line = env
            .lines()
            .find(|l| l.contains("8080"))
            .expect("the port is in .env.example")
            .to_owned();
        let mine = env.replace(&line, &line.replace("8080", "7070"));
        fs::write(sandbox.path("orders/.env.example"), &mine).unwrap();

        let run = sandbox.run(&[
            "update",
            "--dir",
            "orders",
            "--set",
            "port=9090",
            "--on-conflict",
            mode,
        ]);
        assert_eq!(run.code, code, "{mode}: {}", run.stderr);
        let now = read(&sandbox, "orders/.env.example");
        match mode {
            "inline" => {
                assert!(now.contains("<<<<<<< yours\n"), "{now}");
                let label = format!(">>>>>>> rest-api {}\n", pack_version(&sandbox, "orders"));
                assert!(now.contains(&label), "{now}");
                assert!(now.contains("7070") && now.contains("9090"), "{now}");
            }
            "rej" => {
                assert_eq!(now, mine);
                let rej = read(&sandbox, "orders/.env.example.rej");
                assert!(rej.contains("+") && rej.contains("9090"), "{rej}");
            }
            _ => {
                assert_eq!(now, mine, "fail must write nothing");
                assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
                assert!(read(&sandbox, "orders/.scaffold.yaml").contains("port: 8080"));
            }
        }
    }
}

#[test]
fn a_deleted_file_stays_deleted() {
    let sandbox = Sandbox::new();
    new_rest_api(&sandbox);
    fs::remove_file(sandbox.path("orders/CHANGELOG.md")).unwrap();
    sandbox
        .run(&[
            "update",
            "--dir",
            "orders",
            "--set",
            "description=Orders for ACME.",
        ])
        .success();
    assert!(!sandbox.path("orders/CHANGELOG.md").exists());
    assert!(read(&sandbox, "orders/README.md").contains("Orders for ACME."));
}

#[test]
fn update_all_reports_every_project_and_fails_when_one_conflicts() {
    let sandbox = Sandbox::new();
    for name in ["a", "b", "c"] {
        sandbox
            .run(&[
                "new",
                "healthcheck",
                name,
                "--defaults",
                "-q",
                "-o",
                &format!("clients/{name}"),
            ])
            .success();
    }
    fs::write(sandbox.path("clients/b/.scaffold.yaml"), "not: [valid").unwrap();
    let run = sandbox.run(&["update", "--all", "clients", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["status"], "up to date");
    assert!(
        rows[1]["status"].as_str().unwrap().starts_with("failed"),
        "{rows:?}"
    );
    assert_eq!(rows[2]["status"], "up to date");
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let sandbox = Sandbox::new();
    new_rest_api(&sandbox);
    let before = read_tree(&sandbox.path("orders"));
    sandbox
        .run(&["update", "--dir", "."])
        .fails_with(2, &["is not a scaffold project", ".scaffold.yaml"]);
    sandbox
        .run(&["update", "--dir", "orders", "--to", "0.0.1"])
        .fails_with(2, &["older than the recorded 0.2.0"]);
    sandbox
        .run(&["update", "--dir", "orders", "--to", "7.0.0"])
        .fails_with(2, &["no version 7.0.0 of pack `rest-api`"]);
    sandbox
        .run(&["update", "--dir", "orders", "--set", "prot=1"])
        .fails_with(2, &["prot"]);
    assert_eq!(read_tree(&sandbox.path("orders")), before);

    fs::write(sandbox.path("orders/.scaffold.yaml"), "answers: [").unwrap();
    sandbox
        .run(&["update", "--dir", "orders"])
        .fails_with(2, &["is damaged", "restore it from version control"]);
}

#[test]
fn uncommitted_changes_in_git_are_refused_without_allow_dirty() {
    let sandbox = Sandbox::new().with_git_identity();
    sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults", "-q", "--git"])
        .success();
    fs::write(sandbox.path("pinger/README.md"), "changed\n").unwrap();
    sandbox
        .run(&["update", "--dir", "pinger"])
        .fails_with(2, &["uncommitted changes", "--allow-dirty"]);
    sandbox
        .run(&["update", "--dir", "pinger", "--allow-dirty"])
        .success();
}

#[test]
fn a_recorded_project_file_is_an_answers_file() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "-q",
            "--set",
            "year=2026",
            "--set",
            "resource=invoice",
            "--set",
            "author=Ada Lovelace",
        ])
        .success();
    sandbox
        .run(&[
            "new",
            "rest-api",
            "copy",
            "--answers",
            "orders/.scaffold.yaml",
            "--defaults",
            "-q",
        ])
        .success();
    let copy = read(&sandbox, "copy/.scaffold.yaml");
    assert!(copy.contains("resource: invoice"), "{copy}");
    assert!(copy.contains("author: Ada Lovelace"), "{copy}");
    assert!(
        copy.contains("project_name: copy"),
        "the NAME argument wins: {copy}"
    );
}
