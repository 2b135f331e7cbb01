//! `scaffold pack test`: renders a pack many ways and runs its checks; exits 1 on any failure.

use std::io::Write;

use anyhow::Result;

use crate::cli::PackTestArgs;
use crate::exit_code::ExitStatus;
use crate::pack::load_dir;
use crate::packtest::{self, Options, Report, Status};

pub fn run(args: &PackTestArgs) -> Result<ExitStatus> {
    let pack = load_dir(&args.path)?;
    let matrix = match &args.matrix {
        Some(path) => Some(packtest::read_matrix(path, &pack)?),
        None => None,
    };
    // CI must not pass because a tool was missing.
    let strict = args.strict || std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let temp;
    let root = match &args.keep {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::Builder::new()
                .prefix("scaffold-pack-test-")
                .tempdir()?;
            temp.path().to_path_buf()
        }
    };
    if !args.json {
        crate::say!("Testing pack {} in {} …", pack.name(), root.display());
    }
    let report = packtest::run(&Options {
        pack: &pack,
        matrix,
        strict,
        root: &root,
    })?;
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_human(&report)?;
    }
    Ok(if report.failed() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn print_human(report: &Report) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Rendered {} project{} of pack {} ({}):",
        report.projects.len(),
        if report.projects.len() == 1 { "" } else { "s" },
        report.pack,
        report.strategy
    )?;
    for project in &report.projects {
        let answers = if project.answers.is_empty() {
            "defaults".to_owned()
        } else {
            project
                .answers
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::answers::display(v)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        match &project.render_error {
            None => writeln!(out, "  {}  {answers}", project.name)?,
            Some(err) => writeln!(
                out,
                "  {}  {answers}\n    failed to render: {err}",
                project.name
            )?,
        }
    }
    writeln!(out)?;
    for check in &report.checks {
        let status = match check.status {
            Status::Passed => "passed",
            Status::Failed => "FAILED",
            Status::Skipped => "skipped",
        };
        let detail = match (&check.reason, check.status) {
            (Some(reason), _) => format!(": {reason}"),
            (None, Status::Failed) => format!(" in {}", check.failed.join(", ")),
            (None, _) => format!(
                " ({} project{}, {:.1}s)",
                check.projects.len(),
                if check.projects.len() == 1 { "" } else { "s" },
                check.seconds
            ),
        };
        writeln!(out, "{:>12}  {status}{detail}", check.check)?;
        if check.status == Status::Failed && !check.output.is_empty() {
            for line in check.output.lines() {
                writeln!(out, "              | {line}")?;
            }
        }
    }
    let failed = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Failed)
        .count()
        + report
            .projects
            .iter()
            .filter(|p| p.render_error.is_some())
            .count();
    writeln!(
        out,
        "\n{} in {:.1}s.",
        if failed == 0 {
            "All checks passed".to_owned()
        } else {
            format!("{failed} failure{}", if failed == 1 { "" } else { "s" })
        },
        report.seconds
    )?;
    Ok(())
}
