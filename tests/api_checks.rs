//! The REST API's OpenAPI spec passes Redocly's recommended ruleset with no problem at all,
//! and the running service agrees with it exactly: schemathesis, seeded and bounded, fuzzes
//! the service built from a generated project and finds nothing.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::support::{Sandbox, check_output, check_streams, go_env, require_tool};

/// The bearer token the variant with authentication runs with.
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// Generates the rest-api project `name` with `sets`.
fn generate(sandbox: &Sandbox, name: &str, sets: &[&str]) {
    let mut args = vec!["new", "rest-api", name, "--defaults", "--set", "year=2026"];
    for set in sets {
        args.extend(["--set", set]);
    }
    sandbox.run(&args).success();
}

fn redocly(sandbox: &Sandbox, redocly: &Path) -> Command {
    let mut cmd = sandbox.command(redocly);
    // No usage data leaves the machine, and no update check on every run.
    cmd.env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    cmd
}

#[test]
fn rest_api_specs_pass_redocly_lint_without_a_problem() {
    let redocly_bin = require_tool("redocly");
    let sandbox = Sandbox::new();
    let variants: &[(&str, &[&str])] = &[
        ("api-default", &[]),
        ("api-auth", &["with_auth=true"]),
        (
            "api-bare",
            &["with_metrics=false", "resource=line_item", "port=9000"],
        ),
        (
            "api-auth-bare",
            &["with_auth=true", "with_metrics=false", "resource=category"],
        ),
    ];
    for (name, sets) in variants {
        generate(&sandbox, name, sets);
        let spec = sandbox.path(&format!("{name}/api/openapi.yaml"));
        let (stdout, _) = check_streams(
            &format!("redocly lint {name}"),
            redocly(&sandbox, &redocly_bin)
                .args(["lint", "--format=json"])
                .arg(&spec),
        );
        let report: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|err| panic!("redocly's JSON report for {name}: {err}\n{stdout}"));
        assert_eq!(
            (
                report["totals"]["errors"].as_u64(),
                report["totals"]["warnings"].as_u64()
            ),
            (Some(0), Some(0)),
            "{name}: redocly reports problems:\n{stdout}"
        );
    }
}

/// A generated service running on a loopback port; it is killed when dropped, even when the
/// test fails half-way.
struct Service {
    child: Child,
    base: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds the project `name`, starts it on a free loopback port with `env`, and waits until
/// it logs its address and answers /readyz.
fn start(sandbox: &Sandbox, go: &Path, name: &str, env: &[(&str, &str)]) -> Service {
    let dir = sandbox.path(name);
    check_output(
        go_env(&mut sandbox.command(go))
            .current_dir(&dir)
            .args(["build", "-o", "bin/service"])
            .arg(format!("./cmd/{name}")),
    );
    let mut cmd = sandbox.command(dir.join("bin/service"));
    cmd.current_dir(&dir)
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("LOG_LEVEL", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|err| panic!("starting {name}: {err}"));

    // The service logs {"msg":"listening",...,"addr":"127.0.0.1:PORT"} once it accepts
    // connections. The thread keeps reading after that, so the pipe never fills up.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(entry) = serde_json::from_str::<serde_json::Value>(&line)
                && entry["msg"] == "listening"
                && let Some(addr) = entry["addr"].as_str()
            {
                let _ = tx.send(addr.to_owned());
            }
        }
    });
    let mut service = Service {
        child,
        base: String::new(),
    };
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("{name} did not log its address within 30 s"));
    service.base = format!("http://{addr}");
    wait_ready(&service.base);
    service
}

/// Polls GET /readyz until it answers 200.
fn wait_ready(base: &str) {
    let addr = base.trim_start_matches("http://");
    for _ in 0..300 {
        if let Ok(mut stream) = std::net::TcpStream::connect(addr) {
            use std::io::{Read, Write};
            let request =
                format!("GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            let mut response = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut response).is_ok()
                && response.starts_with("HTTP/1.1 200")
            {
                return;
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
    panic!("{base}/readyz did not answer 200 within 30 s");
}

#[test]
fn running_rest_api_services_pass_schemathesis() {
    let go = require_tool("go");
    let schemathesis = require_tool("schemathesis");
    let sandbox = Sandbox::new();
    generate(&sandbox, "api-default", &[]);
    generate(
        &sandbox,
        "api-auth",
        &["with_auth=true", "with_metrics=false", "resource=line_item"],
    );
    // The variant with authentication runs with the token set, and schemathesis sends it.
    let default = start(&sandbox, &go, "api-default", &[]);
    let auth = start(&sandbox, &go, "api-auth", &[("API_TOKEN", TOKEN)]);

    // Both runs at once: each takes about a minute and mostly waits on the service.
    let runs: Vec<_> = [
        ("api-default", &default, None),
        ("api-auth", &auth, Some(TOKEN)),
    ]
    .into_iter()
    .map(|(name, service, token)| {
        let mut cmd = sandbox.command(&schemathesis);
        cmd.args([
            "run",
            "--checks",
            "all",
            "--max-examples",
            "100",
            "--seed",
            "1",
        ])
        .arg("--url")
        .arg(&service.base)
        .arg(sandbox.path(&format!("{name}/api/openapi.yaml")))
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .env("NO_COLOR", "1");
        if let Some(token) = token {
            cmd.arg("--header")
                .arg(format!("Authorization: Bearer {token}"));
        }
        let name = name.to_owned();
        thread::spawn(move || (name, cmd.output()))
    })
    .collect();
    for run in runs {
        let (name, output) = run.join().unwrap();
        let output = output.unwrap_or_else(|err| panic!("running schemathesis on {name}: {err}"));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("No issues found"),
            "schemathesis found failures in {name} ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    drop((default, auth));
}
