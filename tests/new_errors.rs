//! Bad input to `scaffold new`: one clear error line, the right exit code, nothing written.

use std::fs;

use crate::support::Sandbox;

/// Runs `args`, checks the error, and checks the work directory still holds only `before`.
#[track_caller]
fn refused(sandbox: &Sandbox, args: &[&str], code: i32, needles: &[&str]) {
    let before = sandbox.work_entries();
    sandbox.run(args).fails_with(code, needles);
    assert_eq!(sandbox.work_entries(), before, "something was written");
}

#[test]
fn unknown_pack_suggests_the_closest() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &["new", "rest-apy", "orders", "--defaults"],
        2,
        &[
            "unknown pack `rest-apy`",
            "did you mean `rest-api`?",
            "healthcheck",
        ],
    );
}

#[test]
fn unknown_variable_suggests_the_closest() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--set",
            "licence=MIT",
        ],
        2,
        &["unknown variable `licence`", "did you mean `license`?"],
    );
}

#[test]
fn values_are_parsed_by_type() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--set",
            "port=abc",
        ],
        2,
        &["invalid value for `port`", "expects an int, got `abc`"],
    );
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--set",
            "with_metrics=maybe",
        ],
        2,
        &["`with_metrics`", "expects a bool"],
    );
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--set",
            "license=GPL",
        ],
        2,
        &["`license`", "MIT, Apache-2.0, BSD-3-Clause"],
    );
}

#[test]
fn validation_rules_apply_to_given_values() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--set",
            "timeout=forever",
        ],
        2,
        &["invalid value for `timeout`", "`forever` is not valid"],
    );
}

#[test]
fn set_needs_key_and_value() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--set",
            "timeout",
        ],
        2,
        &["--set KEY=VALUE"],
    );
}

#[test]
fn invalid_project_names_are_refused_with_the_rule() {
    let sandbox = Sandbox::new();
    for name in ["", "my app", "../x", "Orders", "9lives", "orders-"] {
        refused(
            &sandbox,
            &["new", "rest-api", name, "--defaults"],
            2,
            &[
                "invalid project name",
                "lowercase letters, digits and dashes",
            ],
        );
    }
}

#[test]
fn missing_values_without_a_terminal_are_listed() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &["new", "healthcheck"],
        2,
        &[
            "missing a value for `project_name`",
            "--set project_name=VALUE",
        ],
    );
    refused(
        &sandbox,
        &["new", "--defaults"],
        2,
        &["no pack given", "healthcheck, rest-api"],
    );
}

#[test]
fn a_non_empty_destination_is_refused_and_left_alone() {
    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.path("orders")).unwrap();
    fs::write(sandbox.path("orders/notes.txt"), "client notes").unwrap();
    refused(
        &sandbox,
        &["new", "rest-api", "orders", "--defaults"],
        1,
        &[
            "orders already exists and is not empty",
            "notes.txt",
            "--force",
        ],
    );
    assert_eq!(
        fs::read_to_string(sandbox.path("orders/notes.txt")).unwrap(),
        "client notes"
    );

    fs::write(sandbox.path("plain-file"), "x").unwrap();
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "-o",
            "plain-file",
        ],
        1,
        &["plain-file exists and is not a directory"],
    );
}

#[test]
fn answers_files_are_checked() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &["new", "rest-api", "orders", "--answers", "nope.yaml"],
        2,
        &["reading the answers file nope.yaml"],
    );
    fs::write(sandbox.path("bad.yaml"), "- just\n- a list\n").unwrap();
    refused(
        &sandbox,
        &["new", "rest-api", "orders", "--answers", "bad.yaml"],
        2,
        &["bad.yaml is not a YAML mapping"],
    );
    fs::write(sandbox.path("typo.yaml"), "prot: 9000\n").unwrap();
    refused(
        &sandbox,
        &["new", "rest-api", "orders", "--answers", "typo.yaml"],
        2,
        &[
            "unknown variable `prot` in typo.yaml",
            "did you mean `port`?",
        ],
    );
}

#[test]
fn git_without_an_identity_is_refused_before_writing() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &["new", "healthcheck", "pinger", "--defaults", "--git"],
        1,
        &[
            "--git needs a git identity",
            "git config --global user.name",
        ],
    );
}

/// Runs `scaffold new rest-api orders` where no file may grow past 4 KiB, after `setup`.
#[cfg(unix)]
fn new_with_file_size_limit(sandbox: &Sandbox, setup: &str) -> crate::support::Run {
    let script = format!(r#"{setup} ulimit -f 4; exec "$0" new rest-api orders --defaults"#);
    let output = sandbox
        .command("bash")
        .args(["-c", &script, crate::support::BIN])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    crate::support::Run::from(output)
}

/// `ulimit -f` makes the kernel stop the process (SIGXFSZ) at its first write past the
/// limit: a real kill in the middle of writing the project.
#[cfg(unix)]
#[test]
fn a_kill_mid_write_leaves_no_project() {
    let sandbox = Sandbox::new();
    let run = new_with_file_size_limit(&sandbox, "");
    assert_ne!(run.code, 0);
    assert!(
        !sandbox.path("orders").exists(),
        "a partial project was left behind"
    );
    // Only the hidden staging directory may remain; the next run removes it and says so.
    assert!(
        sandbox
            .work_entries()
            .iter()
            .all(|name| name.starts_with(".scaffold-"))
    );
    let next = sandbox
        .run(&["new", "rest-api", "orders", "--defaults"])
        .success();
    assert!(
        next.stderr.contains("left by an interrupted scaffold run"),
        "{}",
        next.stderr
    );
    assert_eq!(sandbox.work_entries(), ["orders"]);
}

/// With SIGXFSZ ignored, the same limit makes a write fail (EFBIG) like a full disk:
/// scaffold reports it and removes its staging directory.
#[cfg(unix)]
#[test]
fn a_write_failure_is_reported_and_cleaned_up() {
    let sandbox = Sandbox::new();
    let run = new_with_file_size_limit(&sandbox, "trap '' XFSZ;");
    let run = run.fails_with(1, &["writing "]);
    assert!(run.stderr.contains("File too large"), "{}", run.stderr);
    assert!(
        sandbox.work_entries().is_empty(),
        "left: {:?}",
        sandbox.work_entries()
    );
}

#[test]
fn components_are_checked() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &["new", "rest-api", "orders", "--defaults", "--with", "dockr"],
        2,
        &["unknown component `dockr`", "did you mean `docker`?"],
    );
    refused(
        &sandbox,
        &[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--with",
            "helm",
        ],
        2,
        &["component `helm` is for network services"],
    );
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--with",
            "helm",
            "--without",
            "helm",
        ],
        2,
        &["both in --with and --without"],
    );
}
