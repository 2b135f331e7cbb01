//! The checks a client's security team runs on a deliverable, on every project the
//! component tests generate: zizmor on the GitHub workflows, checkov on the Dockerfiles,
//! the workflows and the rendered Helm charts, and dclint on docker-compose.yml. Each must
//! report nothing; a check that does not apply is skipped in the file it concerns, with a
//! reason. Every tool runs once over all projects (checkov is slow to start).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::generated::{chart_dirs, generate, parse_yaml, project_files, projects};
use crate::support::{Sandbox, require_tool};

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn output_of(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|err| panic!("running {cmd:?}: {err}"))
}

#[test]
fn workflows_and_dependabot_config_have_no_zizmor_findings() {
    let zizmor = require_tool("zizmor");
    let sandbox = generate();
    let dirs: Vec<String> = projects()
        .filter(|p| p.has("github-actions"))
        .map(|p| format!("{}/.github", p.name))
        .collect();
    for project in projects().filter(|p| p.has("github-actions")) {
        assert!(
            sandbox
                .path(&format!("{}/.github/dependabot.yml", project.name))
                .is_file(),
            "{}: --with github-actions wrote no .github/dependabot.yml",
            project.name
        );
    }
    let mut cmd = sandbox.command(&zizmor);
    cmd.args(["--offline", "--no-config", "--persona", "regular"])
        .args(["--format", "json"])
        .args(&dirs);
    let output = output_of(&mut cmd);
    let findings: Option<Vec<Value>> = serde_json::from_slice(&output.stdout).ok();
    if output.status.success() && findings.as_ref().is_some_and(Vec::is_empty) {
        return;
    }
    // Show the findings as zizmor prints them for people.
    let plain = output_of(
        sandbox
            .command(&zizmor)
            .args(["--offline", "--no-config", "--format", "plain"])
            .args(&dirs),
    );
    panic!(
        "zizmor reported findings on {dirs:?} ({}):\n{}",
        output.status,
        text(&plain)
    );
}

/// Runs checkov with `args` over `dir` and requires no failed check; every skipped one must
/// give a reason. Returns how many checks passed.
#[track_caller]
fn assert_checkov_clean(sandbox: &Sandbox, dir: &Path, frameworks: &[&str]) -> u64 {
    let mut cmd = sandbox.command(require_tool("checkov"));
    cmd.arg("--directory")
        .arg(dir)
        .arg("--framework")
        .args(frameworks)
        // Offline: no policy metadata download, no telemetry, no API key.
        .args(["--skip-download", "--output", "json", "--compact"])
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
        .env_remove("BC_API_KEY")
        .env_remove("PRISMA_API_URL");
    let output = output_of(&mut cmd);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("checkov printed no JSON report ({err}):\n{}", text(&output)));
    // One framework gives an object, several a list of them.
    let reports = match report {
        Value::Array(items) => items,
        single => vec![single],
    };
    let mut failed = Vec::new();
    let mut unexplained = Vec::new();
    let mut passed = 0;
    for report in &reports {
        passed += report["summary"]["passed"].as_u64().unwrap_or_default();
        for check in report["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            failed.push(format!(
                "{} {} in {} ({})",
                check["check_id"].as_str().unwrap_or_default(),
                check["check_name"].as_str().unwrap_or_default(),
                check["file_path"].as_str().unwrap_or_default(),
                check["resource"].as_str().unwrap_or_default()
            ));
        }
        for check in report["results"]["skipped_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let reason = check["check_result"]["suppress_comment"]
                .as_str()
                .unwrap_or_default();
            if reason.trim().is_empty() || reason == "No comment provided" {
                unexplained.push(format!(
                    "{} in {}",
                    check["check_id"].as_str().unwrap_or_default(),
                    check["file_path"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    assert!(
        output.status.success() && failed.is_empty(),
        "checkov --framework {frameworks:?} on {} failed {} checks ({}):\n{}",
        dir.display(),
        failed.len(),
        output.status,
        failed.join("\n")
    );
    assert!(
        unexplained.is_empty(),
        "checks skipped without a reason: {unexplained:?}"
    );
    assert!(passed > 0, "checkov checked nothing in {}", dir.display());
    passed
}

/// `helm template` of every chart, with the defaults and with the optional pieces on, into
/// one directory of manifests.
fn render_charts(sandbox: &Sandbox, into: &Path) {
    let helm = require_tool("helm");
    fs::create_dir_all(into).unwrap();
    for project in projects() {
        let files = project_files(sandbox, project);
        let Some(chart) = chart_dirs(&files).into_iter().next() else {
            continue;
        };
        let chart = format!("{}/{chart}", project.name);
        let mut variants = vec![("defaults", vec![])];
        if project.service {
            let mut on = vec![
                "ingress.enabled=true",
                "httpRoute.enabled=true",
                "autoscaling.enabled=true",
                "networkPolicy.enabled=true",
            ];
            if project.pack == "rest-api" {
                on.push("sharedStore=true");
            }
            if project.metrics_port() {
                // /metrics on a port of its own, with everything else on too.
                let mut metrics = on.clone();
                metrics.push("metrics.port=9090");
                variants.push(("metrics-port", metrics));
            }
            variants.push(("toggles", on));
        }
        for (variant, sets) in variants {
            let mut cmd = sandbox.command(&helm);
            cmd.args(["template", "rel", &chart, "--namespace", project.name])
                .args(["--api-versions", "monitoring.coreos.com/v1"]);
            for set in project.chart_needs.iter().chain(&sets) {
                cmd.args(["--set", set]);
            }
            let manifest = crate::generated::run_ok(&format!("{cmd:?}"), &mut cmd);
            fs::write(
                into.join(format!("{}-{variant}.yaml", project.name)),
                manifest,
            )
            .unwrap();
        }
    }
}

#[test]
fn dockerfiles_workflows_and_rendered_charts_fail_no_checkov_check() {
    let sandbox = generate();
    // Outside the work directory, which holds the projects only.
    let manifests = tempfile::Builder::new()
        .prefix("scaffold-charts-")
        .tempdir()
        .unwrap();
    render_charts(&sandbox, manifests.path());
    let rendered = fs::read_dir(manifests.path()).unwrap().count();
    assert!(rendered >= 5, "only {rendered} chart renderings");

    // The two runs are independent and checkov spends most of its time starting up.
    std::thread::scope(|scope| {
        let charts =
            scope.spawn(|| assert_checkov_clean(&sandbox, manifests.path(), &["kubernetes"]));
        assert_checkov_clean(&sandbox, &sandbox.work(), &["dockerfile", "github_actions"]);
        charts.join().unwrap();
    });
}

#[test]
fn compose_files_have_no_dclint_errors_or_warnings() {
    let dclint = require_tool("dclint");
    let sandbox = generate();
    let mut files: Vec<String> = projects()
        .filter(|p| p.service && p.has("docker"))
        .map(|p| format!("{}/docker-compose.yml", p.name))
        .collect();
    assert!(files.len() >= 3, "too few compose files: {files:?}");
    // The metrics port the compose file offers, commented out, must lint once enabled too.
    for project in projects().filter(|p| p.metrics_port() && p.has("docker")) {
        let compose = sandbox.path(&format!("{}/docker-compose.yml", project.name));
        let text = fs::read_to_string(&compose).unwrap();
        let offer = "      # - '127.0.0.1:9090:9090'\n";
        assert!(
            text.contains(offer),
            "{}: docker-compose.yml offers no metrics port:\n{text}",
            project.name
        );
        // The same port as the METRICS_PORT line .env.example offers.
        let env_example =
            fs::read_to_string(sandbox.path(&format!("{}/.env.example", project.name))).unwrap();
        assert!(
            env_example.lines().any(|l| l == "# METRICS_PORT=9090"),
            "{}: .env.example offers another metrics port than docker-compose.yml",
            project.name
        );
        let enabled = format!("{}/docker-compose.metrics-port.yml", project.name);
        let text = text.replace(offer, "      - '127.0.0.1:9090:9090'\n");
        // Enabled, it publishes both ports, on the loopback interface only.
        let doc = parse_yaml(project, &enabled, &text);
        let port = project.port;
        assert_eq!(
            doc["services"][project.name]["ports"],
            serde_json::json!([format!("127.0.0.1:{port}:{port}"), "127.0.0.1:9090:9090"]),
            "{enabled}: ports"
        );
        fs::write(sandbox.path(&enabled), text).unwrap();
        files.push(enabled);
    }
    let output = output_of(sandbox.command(&dclint).args(&files).args([
        "--max-warnings",
        "0",
        "--color",
        "false",
    ]));
    let report = text(&output);
    assert!(
        output.status.success() && !report.contains("problem"),
        "dclint on {files:?} ({}):\n{report}",
        output.status
    );
}
