//! Generated projects must satisfy the real Go toolchain: gofmt, vet, race tests with
//! coverage, cross builds and their own Makefile. Every pack is checked with its defaults
//! and with a non-default combination, in a few batched `go` invocations over a workspace.

use std::fs;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Sandbox, check_output, go_env, require_tool};

const PROJECTS: &[(&str, &str, &[&str])] = &[
    ("healthcheck", "hc-default", &[]),
    (
        "healthcheck",
        "hc-custom",
        &[
            "license=Apache-2.0",
            "timeout=10s",
            "expected_status=204",
            "retries=0",
        ],
    ),
    ("rest-api", "api-default", &[]),
    (
        "rest-api",
        "api-custom",
        &[
            "with_metrics=false",
            "with_auth=true",
            "max_items=500",
            "license=BSD-3-Clause",
            "resource=category",
            "port=9000",
        ],
    ),
    ("bot", "bot-telegram", &[]),
    (
        "bot",
        "bot-discord",
        &[
            "platform=discord",
            "license=Apache-2.0",
            "with_metrics=true",
            "port=9000",
        ],
    ),
];

const COVERAGE_FLOOR: f64 = 85.0;

#[test]
fn generated_projects_pass_gofmt_vet_race_tests_and_cross_builds() {
    let go = require_tool("go");
    let sandbox = Sandbox::new();
    let mut modules = Vec::new();
    for (pack, name, sets) in PROJECTS {
        let mut args = vec!["new", pack, name, "--defaults", "--set", "year=2026"];
        for set in *sets {
            args.extend(["--set", set]);
        }
        sandbox.run(&args).success();
        let go_mod = fs::read_to_string(sandbox.path(&format!("{name}/go.mod"))).unwrap();
        let module = go_mod
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("module ")
            .to_owned();
        modules.push(module);
    }
    let uses: String = PROJECTS
        .iter()
        .map(|(_, name, _)| format!("\t./{name}\n"))
        .collect();
    let go_version = scaffold::pack::globals().unwrap()["go_version"]
        .as_str()
        .unwrap()
        .to_owned();
    fs::write(
        sandbox.path("go.work"),
        format!("go {go_version}\n\nuse (\n{uses})\n"),
    )
    .unwrap();
    let patterns: Vec<String> = modules.iter().map(|m| format!("{m}/...")).collect();

    let goroot = check_output(go_env(&mut sandbox.command(&go)).args(["env", "GOROOT"]));
    let gofmt = std::path::Path::new(goroot.trim()).join("bin/gofmt");
    let unformatted = check_output(sandbox.command(&gofmt).args(["-l", "."]));
    assert!(
        unformatted.trim().is_empty(),
        "gofmt -l lists:\n{unformatted}"
    );

    check_output(go_env(&mut sandbox.command(&go)).arg("vet").args(&patterns));

    let tests = check_output(
        go_env(&mut sandbox.command(&go))
            .args(["test", "-race", "-cover", "-count=1"])
            .args(&patterns),
    );
    for line in tests.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            !line.contains("[no test files]"),
            "a package has no tests: {line}"
        );
        if let Some(at) = line.find("coverage: ") {
            let percent: f64 = line[at + 10..].split('%').next().unwrap().parse().unwrap();
            assert!(
                percent >= COVERAGE_FLOOR,
                "coverage below {COVERAGE_FLOOR}%: {line}"
            );
        } else {
            assert!(!line.starts_with("ok"), "no coverage reported: {line}");
        }
    }

    for (goos, goarch) in [
        ("linux", "arm64"),
        ("darwin", "arm64"),
        ("windows", "amd64"),
    ] {
        check_output(
            go_env(&mut sandbox.command(&go))
                .env("CGO_ENABLED", "0")
                .env("GOOS", goos)
                .env("GOARCH", goarch)
                .arg("build")
                .args(&patterns),
        );
    }

    // The projects' own Makefiles, as the client's developers will use them (tests are cached).
    require_tool("make");
    for name in ["hc-default", "api-default", "bot-telegram"] {
        let mut make = sandbox.command("make");
        go_env(&mut make)
            .current_dir(sandbox.path(name))
            .env("PATH", path_with_gofmt(&gofmt))
            .args(["lint", "build"]);
        check_output(&mut make);
        let binary = sandbox.path(&format!("{name}/bin/{name}"));
        let version = check_output(sandbox.command(&binary).arg("-version"));
        assert!(
            version.contains("dev") || version.contains('0'),
            "{version}"
        );
        if name == "bot-telegram" {
            check_telegram_healthcheck(&sandbox, &binary);
        }
    }
}

/// Kills the process when dropped, so a failed assertion leaves no bot running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The built Telegram bot's `-healthcheck`, the liveness probe of its chart: exit 1 with a
/// one-line reason while there is no heartbeat, 0 once the running bot has written one, 1
/// when the heartbeat is stale.
fn check_telegram_healthcheck(sandbox: &Sandbox, binary: &Path) {
    let heartbeat = sandbox.path("bot-telegram.heartbeat");
    let healthcheck = || -> Output {
        sandbox
            .command(binary)
            .arg("-healthcheck")
            .env("HEARTBEAT_FILE", &heartbeat)
            .env_remove("TELEGRAM_BOT_TOKEN")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let failure = |output: &Output, reason: &str| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.code() == Some(1)
                && stderr.starts_with(&format!("bot-telegram: {reason}"))
                && stderr.lines().count() == 1,
            "-healthcheck should exit 1 with \"{reason}...\" on one line ({}): {stderr}",
            output.status
        );
    };

    failure(&healthcheck(), "no heartbeat at ");

    // Nothing listens on the port: the bot cannot reach Telegram, retries with backoff, and
    // beats at its start and before every wait, as a working bot does.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bot = Running(
        sandbox
            .command(binary)
            .env(
                "TELEGRAM_BOT_TOKEN",
                "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            )
            .env("TELEGRAM_API_URL", format!("http://127.0.0.1:{port}"))
            .env("HEARTBEAT_FILE", &heartbeat)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !heartbeat.exists() {
        assert!(
            Instant::now() < deadline,
            "the running bot wrote no heartbeat at {}",
            heartbeat.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let fresh = healthcheck();
    assert!(
        fresh.status.success() && fresh.stdout.is_empty() && fresh.stderr.is_empty(),
        "-healthcheck beside a running bot ({}): {}",
        fresh.status,
        String::from_utf8_lossy(&fresh.stderr)
    );
    drop(bot);

    fs::write(
        &heartbeat,
        r#"{"beat":"2025-01-01T00:00:00Z","stale_after":"2025-01-01T00:01:00Z"}"#,
    )
    .unwrap();
    failure(
        &healthcheck(),
        "heartbeat stale since 2025-01-01T00:01:00Z (",
    );
}

fn path_with_gofmt(gofmt: &std::path::Path) -> std::ffi::OsString {
    let mut dirs = vec![gofmt.parent().unwrap().to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}
