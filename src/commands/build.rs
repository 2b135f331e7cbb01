//! `scaffold build`: cross-compile a Go project into reproducible release archives.

use std::fs;
use std::io::Write;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::build::checksums::{MANIFEST_FILE, SUMS_FILE};
use crate::build::go::{self, Toolchain};
use crate::build::progress::{self, Mode};
use crate::build::{self, Options, Plan, Project, Status, archive, goreleaser};
use crate::cli::BuildArgs;
use crate::exit_code::ExitStatus;

pub fn run(args: &BuildArgs) -> Result<ExitStatus> {
    if args.list_targets {
        return list_targets(args.json);
    }
    let project = Project::load(&args.dir)?;
    let options = Options {
        targets: args.targets.clone(),
        version: args.version.clone(),
        out: args.out.clone(),
        jobs: args.jobs,
        force: args.force,
        allow_dirty: args.allow_dirty,
    };
    let plan = Plan::new(project, &options)?;
    let toolchain = Toolchain::detect(&plan.project.dir)?;
    plan.check_targets(&toolchain)?;
    if args.emit_goreleaser {
        return emit_goreleaser(&plan, args);
    }

    let mode = Mode::detect(args.quiet, args.json);
    if plan.stamp.dirty && mode != Mode::Silent {
        crate::say!("{}", dirty_note(&plan.stamp.version));
    }
    let report = build::build(&plan, &toolchain, mode)?;
    progress::print_failures(&report);
    if args.json {
        let summary = json!({
            "project": plan.project.name,
            "version": plan.stamp.version,
            "dirty": plan.stamp.dirty,
            "commit": plan.stamp.commit,
            "date": plan.stamp.date,
            "go_version": toolchain.version,
            "out": plan.out.display().to_string(),
            "checksums": plan.out.join(SUMS_FILE).display().to_string(),
            "manifest": plan.out.join(MANIFEST_FILE).display().to_string(),
            "targets": report.targets_json(),
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    }
    if let Some(err) = report.failure(&plan.out) {
        return Err(err);
    }
    if !args.json && !args.quiet {
        let built = report
            .targets
            .iter()
            .filter(|t| t.status == Status::Built)
            .count();
        let total = report.targets.len();
        let what = format!("{} {}", plan.project.name, plan.stamp.version);
        if built == 0 {
            crate::say!(
                "{what} is up to date in {}: nothing to rebuild for {total} targets.",
                plan.out.display()
            );
        } else {
            crate::say!(
                "Built {what} for {total} targets into {} ({built} built, {} unchanged); \
                 checksums in {SUMS_FILE}.",
                plan.out.display(),
                total - built
            );
        }
    }
    Ok(ExitStatus::Success)
}

/// Says why the version ends in `-dirty` and how to get the clean one.
pub fn dirty_note(version: &str) -> String {
    format!(
        "scaffold: warning: the working tree has uncommitted changes, so this is version \
         {version}; commit them (and tag the commit) for a release, or pass --allow-dirty to \
         stamp the clean version anyway"
    )
}

fn list_targets(json: bool) -> Result<ExitStatus> {
    let targets = go::dist_list()?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &targets)?;
        writeln!(out)?;
    } else {
        for target in targets {
            writeln!(out, "{target}")?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Writes `.goreleaser.yaml`, refusing to replace one with other contents.
fn emit_goreleaser(plan: &Plan, args: &BuildArgs) -> Result<ExitStatus> {
    let path = plan.project.dir.join(goreleaser::FILE_NAME);
    let yaml = goreleaser::render(plan);
    let written = match fs::read(&path) {
        Ok(existing) if existing == yaml.as_bytes() => false,
        Ok(_) => bail!(
            "{} exists and differs from the configuration scaffold would write: \
             move it away (or delete it) and run again",
            path.display()
        ),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            archive::write_atomic(&path, yaml.as_bytes())?;
            true
        }
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    if args.json {
        let summary = json!({ "path": path.display().to_string(), "written": written });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else if !args.quiet {
        if written {
            crate::say!("Wrote {} for GoReleaser.", path.display());
        } else {
            crate::say!("{} is already up to date.", path.display());
        }
    }
    Ok(ExitStatus::Success)
}
