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

/// Writes `yaml` as an answers file and returns its name.
fn answers_file(sandbox: &Sandbox, name: &str, yaml: &str) -> String {
    fs::write(sandbox.path(name), yaml).unwrap();
    name.to_owned()
}

#[test]
fn descriptions_must_be_one_line_of_plain_text() {
    let sandbox = Sandbox::new();
    // Each of these made api/openapi.yaml invalid, or put NUL bytes in README and LICENSE.
    for (escaped, named) in [
        (r"first\nsecond", "a line break"),
        (r"first\rsecond", "a carriage return"),
        (r"first\Lsecond", "U+2028"),
        (r"first\Nsecond", "U+0085"),
        (r"first\0second", "NUL"),
        (r"first\tsecond", "a tab"),
        (r"first\x1bsecond", "control character U+001B"),
    ] {
        let file = answers_file(
            &sandbox,
            "desc.yaml",
            &format!("description: \"{escaped}\"\n"),
        );
        refused(
            &sandbox,
            &[
                "new",
                "rest-api",
                "orders",
                "--defaults",
                "--answers",
                &file,
            ],
            2,
            &["invalid value for `description`", named, "one line"],
        );
    }
    // Two spaces in a row left a trailing space in .scaffold.yaml's folded text.
    refused(
        &sandbox,
        &[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--set",
            "description=Checks  endpoints",
        ],
        2,
        &["`description`", "two spaces in a row"],
    );
    refused(
        &sandbox,
        &[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--set",
            "description=",
        ],
        2,
        &["`description`", "must not be empty"],
    );
}

#[test]
fn resource_names_that_collide_with_generated_code_are_refused_with_the_reason() {
    let sandbox = Sandbox::new();
    for (resource, reason) in [
        // GET /metrics registered twice: the service panicked at start.
        ("metric", "/metrics is the Prometheus metrics endpoint"),
        // Did not compile: `type InMemory` / `type ErrNotFound` redeclared.
        ("in_memory", "already declares InMemory"),
        ("err_not_found", "ErrNotFound"),
        ("new_in_memory", "NewInMemory"),
        // Duplicate schema keys in api/openapi.yaml.
        ("status", "Status, Problem and FieldError schemas"),
        ("problem", "Problem"),
        // `True:` as a schema key reads as a YAML boolean (yamllint: truthy).
        ("true", "YAML boolean or null"),
        // One spelling per identifier: in_memory_ and in__memory are in_memory to Go.
        ("in__memory", "single underscores"),
        ("in_memory_", "single underscores"),
        // Lines of api/openapi.yaml past 80 columns.
        ("purchase_order_line", "use at most 16"),
    ] {
        refused(
            &sandbox,
            &[
                "new",
                "rest-api",
                "orders",
                "--defaults",
                "--set",
                &format!("resource={resource}"),
            ],
            2,
            &["invalid value for `resource`", reason],
        );
    }
}

#[test]
fn project_names_go_treats_specially_are_refused() {
    let sandbox = Sandbox::new();
    for name in ["testdata", "vendor"] {
        refused(
            &sandbox,
            &["new", "healthcheck", name, "--defaults"],
            2,
            &["invalid project name", "reserved", "./..."],
        );
    }
    let long = "a".repeat(41);
    refused(
        &sandbox,
        &["new", "rest-api", &long, "--defaults"],
        2,
        &["invalid project name", "use at most 40"],
    );
    for name in ["_orders", ".orders"] {
        refused(
            &sandbox,
            &["new", "healthcheck", name, "--defaults"],
            2,
            &["invalid project name", "starting with a letter"],
        );
    }
}

#[test]
fn durations_are_bounded_by_what_go_can_parse() {
    let sandbox = Sandbox::new();
    // The generated program panicked parsing its own default.
    refused(
        &sandbox,
        &[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--set",
            "timeout=99999999999999999999s",
        ],
        2,
        &["`timeout`", "longer than Go's longest duration"],
    );
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--set",
            "shutdown_timeout=153722868m",
        ],
        2,
        &["`shutdown_timeout`", "longer than Go's longest duration"],
    );
    // The longest duration Go has is still accepted.
    sandbox
        .run(&[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--dry-run",
            "--set",
            "shutdown_timeout=153722867m",
        ])
        .success();
}

#[test]
fn every_bad_answer_is_reported_at_once() {
    let sandbox = Sandbox::new();
    let file = answers_file(
        &sandbox,
        "four.yaml",
        "port: abc\nresource: metric\nshutdown_timeout: 1d\nwith_metrics: maybe\n",
    );
    let run = sandbox.run(&[
        "new",
        "rest-api",
        "orders",
        "--defaults",
        "--answers",
        &file,
        "--set",
        "license=GPL",
    ]);
    run.fails_with(
        2,
        &[
            "5 problems with the given answers",
            "`port` in four.yaml: expects an int",
            "`resource` in four.yaml: `metric` is reserved",
            "`shutdown_timeout` in four.yaml",
            "`with_metrics` in four.yaml: expects a bool",
            "`license` in --set",
        ],
    );
    assert_eq!(sandbox.work_entries(), ["four.yaml"]);
}

#[cfg(unix)]
#[test]
fn answers_files_must_be_regular_files_of_modest_size() {
    let sandbox = Sandbox::new();
    // A FIFO with no writer: opening it would wait forever.
    let fifo = sandbox.path("answers.fifo");
    let made = sandbox
        .command("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let started = std::time::Instant::now();
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--answers",
            "answers.fifo",
        ],
        2,
        &["answers.fifo is a named pipe (FIFO), not a regular file"],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // /dev/zero never ends: reading it would exhaust memory.
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--answers",
            "/dev/zero",
        ],
        2,
        &["/dev/zero is a device, not a regular file"],
    );
    refused(
        &sandbox,
        &["new", "rest-api", "orders", "--defaults", "--answers", "."],
        2,
        &["is a directory"],
    );
    let file = sandbox.path("huge.yaml");
    let mut text = String::from("description: ");
    text.push_str(&"x".repeat(2 * 1024 * 1024));
    fs::write(&file, text).unwrap();
    refused(
        &sandbox,
        &[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--answers",
            "huge.yaml",
        ],
        2,
        &["huge.yaml is larger than 1 MiB"],
    );
}

#[test]
fn yaml_errors_speak_plainly_with_a_position() {
    let sandbox = Sandbox::new();
    let file = answers_file(&sandbox, "dup.yaml", "port: 8080\nport: 9090\n");
    let run = sandbox.run(&[
        "new",
        "rest-api",
        "orders",
        "--defaults",
        "--answers",
        &file,
    ]);
    let run = run.fails_with(2, &["dup.yaml", "a key appears twice", "line 2"]);
    assert!(!run.stderr.contains("DuplicateKeyPolicy"), "{}", run.stderr);

    // A billion laughs: aliases that expand past any sensible size.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("b{}", i - 1)
        };
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("b{i}: &b{i} [{refs}]\n"));
    }
    let file = answers_file(&sandbox, "bomb.yaml", &bomb);
    let run = sandbox.run(&[
        "new",
        "rest-api",
        "orders",
        "--defaults",
        "--answers",
        &file,
    ]);
    let run = run.fails_with(2, &["bomb.yaml", "too large or nests too deeply"]);
    assert!(
        !run.stderr.contains("budget") && !run.stderr.contains("breached"),
        "{}",
        run.stderr
    );
}

/// A project made with `--without docker`, whose `.scaffold.yaml` is then edited by `edit`.
fn project_with_edited_record(sandbox: &Sandbox, edit: impl Fn(String) -> String) {
    sandbox
        .run(&[
            "new",
            "rest-api",
            "orders",
            "--defaults",
            "--without",
            "docker,helm",
        ])
        .success();
    let path = sandbox.path("orders/.scaffold.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    fs::write(&path, edited).unwrap();
}

#[test]
fn add_validates_the_recorded_answers() {
    let sandbox = Sandbox::new();
    // `port: abc` was written into the Dockerfile as `EXPOSE abc`.
    project_with_edited_record(&sandbox, |text| text.replace("port: 8080", "port: abc"));
    let before = sandbox.files("orders");
    sandbox
        .run(&["add", "docker", "--dir", "orders"])
        .fails_with(
            2,
            &[
                "an invalid answer is recorded in orders/.scaffold.yaml",
                "`port`: expects an int, got `abc`",
            ],
        );
    assert_eq!(sandbox.files("orders"), before, "add wrote something");

    // A project name with `/` silently skipped the chart and recorded it as added.
    let sandbox = Sandbox::new();
    project_with_edited_record(&sandbox, |text| {
        text.replace("project_name: orders", "project_name: a/b")
            .replace("port: 8080", "port: 0")
    });
    let before = sandbox.files("orders");
    sandbox.run(&["add", "helm", "--dir", "orders"]).fails_with(
        2,
        &[
            "2 invalid answers are recorded in orders/.scaffold.yaml",
            "`project_name`: `a/b` is not valid",
            "`port`: `0` is out of range",
        ],
    );
    assert_eq!(sandbox.files("orders"), before, "add wrote something");
}

#[test]
fn placeholder_identity_is_warned_about_and_reported_in_json() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults", "--json"])
        .success();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("scaffold: warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    for needle in ["Your Name", "--set author=", "--set module_path="] {
        assert!(warnings[0].contains(needle), "{}", warnings[0]);
    }
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        summary["placeholders"],
        serde_json::json!(["author", "author_handle", "module_path"])
    );

    // With a real identity there is nothing to warn about.
    let sandbox = Sandbox::new().with_git_identity();
    let run = sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults", "--json"])
        .success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["placeholders"], serde_json::json!([]));
}
