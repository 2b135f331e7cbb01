//! `scaffold bundle`: the client hand-off zip, building the release archives first if needed.

use std::fs;
use std::io::Write;

use anyhow::{Context, Result};
use serde_json::json;

use crate::build::checksums::Manifest;
use crate::build::go::Toolchain;
use crate::build::handoff::{self, bundle_name};
use crate::build::progress::{self, Mode};
use crate::build::{self, Options, Plan, Project};
use crate::cli::BundleArgs;
use crate::exit_code::ExitStatus;

pub fn run(args: &BundleArgs) -> Result<ExitStatus> {
    let project = Project::load(&args.dir)?;
    let options = Options {
        version: args.version.clone(),
        allow_dirty: args.allow_dirty,
        ..Options::default()
    };
    let plan = Plan::new(project, &options)?;
    if plan.stamp.dirty && !args.quiet {
        crate::say!(
            "scaffold: warning: the working tree has uncommitted changes: this bundle hands off \
             unreleased code as version {}; commit (and tag) it first, or pass --allow-dirty if \
             that is intended",
            plan.stamp.version
        );
    }

    // The archives of the last build are bundled as they are when it made this version for
    // every target the project builds; otherwise those targets are built first.
    let (manifest, built) = match Manifest::read(&plan.out).and_then(|m| release_of(&m, &plan)) {
        Some(manifest) => (manifest, false),
        None => {
            let toolchain = Toolchain::detect(&plan.project.dir)?;
            plan.check_targets(&toolchain)?;
            let mode = Mode::detect(args.quiet, args.json);
            let report = build::build(&plan, &toolchain, mode)?;
            progress::print_failures(&report);
            if let Some(err) = report.failure(&plan.out) {
                return Err(err.context("nothing was bundled"));
            }
            let manifest = release_of(&report.manifest, &plan)
                .context("the build did not list every target's archive")?;
            (manifest, true)
        }
    };

    let dest = args
        .output
        .clone()
        .unwrap_or_else(|| plan.out.join(bundle_name(&manifest)));
    let bundle = handoff::write_bundle(&plan.project, &manifest, &plan.out, &dest)?;
    if args.json {
        let summary = json!({
            "project": manifest.project,
            "version": manifest.version,
            "dirty": plan.stamp.dirty,
            "bundle": bundle.path.display().to_string(),
            "sha256": bundle.sha256,
            "size": bundle.size,
            "checksum_file": bundle.checksum_path.display().to_string(),
            "built": built,
            "entries": bundle.entries,
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else if !args.quiet {
        crate::say!(
            "Bundled {} {} ({} archives, README, checksums and HANDOFF.md) into {}.",
            manifest.project,
            manifest.version,
            manifest.artifacts.len(),
            bundle.path.display()
        );
    }
    Ok(ExitStatus::Success)
}

/// The release in `manifest` of this project at the plan's version that has an archive for
/// every target the project builds, still there at its size, narrowed to those targets in
/// the plan's order. Releases of other projects sharing the output directory are skipped.
fn release_of(manifest: &Manifest, plan: &Plan) -> Option<Manifest> {
    manifest
        .releases()
        .into_iter()
        .filter(|r| r.project == plan.project.name && r.version == plan.stamp.version)
        .find_map(|release| complete(release, plan))
}

fn complete(mut manifest: Manifest, plan: &Plan) -> Option<Manifest> {
    let mut artifacts = Vec::new();
    for target in &plan.targets {
        let artifact = manifest
            .artifacts
            .iter()
            .find(|a| a.target == target.to_string())?;
        let present =
            fs::metadata(plan.out.join(&artifact.file)).is_ok_and(|m| m.len() == artifact.size);
        if !present {
            return None;
        }
        artifacts.push(artifact.clone());
    }
    manifest.artifacts = artifacts;
    Some(manifest)
}
