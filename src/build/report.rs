//! What a build did, per target, and the error it ends with when a target was not built.

use std::path::Path;

use super::checksums::{Artifact, Manifest};
use super::failure::{Cause, Failure};
use super::targets::Target;

/// How a target ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Built,
    /// Its inputs were unchanged, so its archive was kept.
    Cached,
    /// The compiler rejected the sources.
    Failed,
    /// The environment failed (see [`Cause::Environment`]); the sources may be fine.
    EnvironmentError,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Built => "built",
            Status::Cached => "cached",
            Status::Failed => "failed",
            Status::EnvironmentError => "environment-error",
        }
    }

    pub fn of(failure: &Failure) -> Status {
        match failure.cause {
            Cause::Compile => Status::Failed,
            Cause::Environment => Status::EnvironmentError,
        }
    }

    pub fn is_failure(self) -> bool {
        matches!(self, Status::Failed | Status::EnvironmentError)
    }
}

/// One target's result.
#[derive(Debug, Clone)]
pub struct TargetReport {
    pub target: Target,
    pub status: Status,
    /// The archive, unless the build failed.
    pub artifact: Option<Artifact>,
    pub seconds: f64,
    /// Why it was not built.
    pub failure: Option<Failure>,
}

/// What [`build`](super::build) did.
#[derive(Debug, Clone)]
pub struct Report {
    pub targets: Vec<TargetReport>,
    /// Lists the archives that exist; written as `manifest.json`.
    pub manifest: Manifest,
}

impl Report {
    pub fn failed(&self) -> Vec<&TargetReport> {
        self.targets
            .iter()
            .filter(|t| t.status.is_failure())
            .collect()
    }

    /// The error to exit with when a target was not built, naming them and whose fault it
    /// was: the environment's failures come first, since no code change fixes them.
    pub fn failure(&self, out: &Path) -> Option<anyhow::Error> {
        let failed = self.failed();
        if failed.is_empty() {
            return None;
        }
        let total = self.targets.len();
        let names = |status: Status| -> Vec<String> {
            failed
                .iter()
                .filter(|t| t.status == status)
                .map(|t| t.target.to_string())
                .collect()
        };
        let environment = names(Status::EnvironmentError);
        let compile = names(Status::Failed);
        let kept = format!("every archive already in {} was kept", out.display());
        if let Some(first) = failed.iter().find(|t| t.status == Status::EnvironmentError) {
            let reason = first.failure.as_ref().map_or("", Failure::summary);
            let also = if compile.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} also failed to compile ({})",
                    compile.len(),
                    compile.join(", ")
                )
            };
            return Some(anyhow::anyhow!(
                "{} of {total} targets could not be built because of the build environment, \
                 not the sources ({}: {reason}): fix the Go installation, its flags \
                 (GOFLAGS, build.ldflags) or free disk space, and run again{also}; {kept}",
                environment.len(),
                environment.join(", "),
            ));
        }
        let others = if failed.len() == total {
            String::new()
        } else {
            format!("; the other archives are in {}", out.display())
        };
        Some(anyhow::anyhow!(
            "{} of {total} targets failed to build ({}), see the compiler output above{others}",
            compile.len(),
            compile.join(", ")
        ))
    }

    /// Each target as JSON, for `--json` summaries.
    pub fn targets_json(&self) -> serde_json::Value {
        self.targets
            .iter()
            .map(|t| {
                let mut item = serde_json::json!({
                    "target": t.target.to_string(),
                    "status": t.status.as_str(),
                    "seconds": (t.seconds * 100.0).round() / 100.0,
                });
                if let Some(artifact) = &t.artifact {
                    item["archive"] = artifact.file.clone().into();
                    item["size"] = artifact.size.into();
                    item["sha256"] = artifact.sha256.clone().into();
                }
                if let Some(failure) = &t.failure {
                    item["cause"] = failure.cause.as_str().into();
                    item["output"] = failure.output.clone().into();
                }
                item
            })
            .collect()
    }
}
