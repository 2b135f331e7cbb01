//! `scaffold doctor`: is this machine ready for `scaffold new` and `scaffold build`?
//!
//! Each check prints one line: ok, missing or too old, and for a problem the fix. Only
//! what `new` and `build` need (go at a supported version, git) decides the exit status;
//! docker, helm and a git identity are needed by some generated files and `--git` only.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::Result;
use serde::Serialize;

use crate::cli::DoctorArgs;
use crate::exit_code::ExitStatus;
use crate::verbosity::{Style, paint, traced};

/// The Go releases scaffold supports and its generated projects are tested with: the two
/// newest, as the Go project itself supports. The last one is what `go.mod` files get.
pub const SUPPORTED_GO: &[&str] = &["1.26", "1.27"];

/// Where Go is downloaded from, for the fix lines.
const GO_DL: &str = "https://go.dev/dl/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Missing,
    TooOld,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Missing => "missing",
            Status::TooOld => "too old",
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    /// Whether `new` or `build` cannot work without it (decides the exit status).
    pub required: bool,
    /// What was found: a version, a path, an identity.
    pub detail: String,
    /// How to fix a problem; empty when ok.
    pub fix: String,
}

impl Check {
    fn ok(name: &'static str, required: bool, detail: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Ok,
            required,
            detail: detail.into(),
            fix: String::new(),
        }
    }

    fn problem(
        name: &'static str,
        status: Status,
        required: bool,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check {
            name,
            status,
            required,
            detail: detail.into(),
            fix: fix.into(),
        }
    }

    fn failed(&self) -> bool {
        self.required && self.status != Status::Ok
    }
}

pub fn run(args: &DoctorArgs, quiet: bool) -> Result<ExitStatus> {
    let checks = checks();
    let ready = !checks.iter().any(Check::failed);
    if args.json {
        let report = serde_json::json!({"ready": ready, "checks": checks});
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if !quiet {
        print_table(&checks, ready);
    }
    Ok(if ready {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// Every check, in the order they are printed.
pub fn checks() -> Vec<Check> {
    vec![
        go(),
        git(),
        git_identity(),
        tool(
            "docker",
            &["--version"],
            "install Docker from https://docs.docker.com/get-docker/ \
             (for the docker component's Dockerfile and compose file)",
        ),
        tool(
            "helm",
            &["version", "--short"],
            "install Helm from https://helm.sh/docs/intro/install/ (for the helm component's chart)",
        ),
        directory("pack cache", "SCAFFOLD_CACHE_DIR", dirs::cache_dir()),
        directory("installed packs", "SCAFFOLD_PACKS_DIR", dirs::data_dir()),
    ]
}

fn print_table(checks: &[Check], ready: bool) {
    let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for check in checks {
        let label = format!("{:<7}", check.status.label());
        let label = match (check.status, check.required) {
            (Status::Ok, _) => paint(Style::Green, &label),
            (_, true) => paint(Style::Red, &label),
            (_, false) => paint(Style::Yellow, &label),
        };
        let mut line = format!("{label}  {:<width$}  {}", check.name, check.detail);
        if !check.fix.is_empty() {
            line.push_str(&format!(": {}", check.fix));
        }
        println!("{}", line.trim_end());
    }
    if ready {
        println!("\nready: scaffold new and scaffold build have what they need");
    } else {
        println!(
            "\n{}: fix the {} lines above",
            paint(Style::Bold, "not ready"),
            paint(Style::Red, "red")
        );
    }
}

/// Runs `program args` and returns its first line of output, or None when it is not on PATH
/// or fails.
fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = traced(
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null()),
    )
    .output()
    .ok()
    .filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next().unwrap_or("").trim().to_owned())
}

fn go() -> Check {
    let newest = SUPPORTED_GO.last().copied().unwrap_or_default();
    let Some(version) = probe("go", &["env", "GOVERSION"]) else {
        return Check::problem(
            "go",
            Status::Missing,
            true,
            "not on PATH",
            format!("install Go {newest} from {GO_DL} and put its bin directory on PATH"),
        );
    };
    match go_supported(&version) {
        Some(true) | None => Check::ok("go", true, version),
        Some(false) => Check::problem(
            "go",
            Status::TooOld,
            true,
            version,
            format!(
                "scaffold supports Go {}; install Go {newest} from {GO_DL}",
                SUPPORTED_GO.join(" and ")
            ),
        ),
    }
}

/// Whether `go1.27.3` (or `go1.26rc1`, `devel ...`) is at least the oldest supported
/// release; None when the version cannot be read (a development build), given the benefit
/// of the doubt. Releases newer than the list are supported too.
pub fn go_supported(version: &str) -> Option<bool> {
    let minor_of = |v: &str| -> Option<u32> {
        let rest = v.strip_prefix("go").unwrap_or(v).strip_prefix("1.")?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let found = minor_of(version)?;
    let oldest = SUPPORTED_GO.first().and_then(|v| minor_of(v))?;
    Some(found >= oldest)
}

fn git() -> Check {
    match probe("git", &["--version"]) {
        Some(version) => Check::ok("git", true, version),
        None => Check::problem(
            "git",
            Status::Missing,
            true,
            "not on PATH",
            "install git from https://git-scm.com/downloads \
             (scaffold build reads versions from tags, new --git commits)",
        ),
    }
}

fn git_identity() -> Check {
    let identity = crate::git::identity();
    if !identity.name.is_empty() && !identity.email.is_empty() {
        return Check::ok(
            "git identity",
            false,
            format!("{} <{}>", identity.name, identity.email),
        );
    }
    Check::problem(
        "git identity",
        Status::Missing,
        false,
        "user.name or user.email unset",
        "run `git config --global user.name \"Your Name\"` and \
         `git config --global user.email you@example.com` (for new --git and the default author)",
    )
}

fn tool(name: &'static str, args: &[&str], fix: &str) -> Check {
    match probe(name, args) {
        Some(version) => Check::ok(name, false, version),
        None => Check::problem(name, Status::Missing, false, "not on PATH", fix),
    }
}

/// A directory scaffold keeps packs in: the variable's value, else the user directory.
/// It is fine for it not to exist yet; it must be a writable directory when it does.
fn directory(name: &'static str, var: &str, user_dir: Option<PathBuf>) -> Check {
    let dir = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| user_dir.map(|d| d.join("scaffold")));
    let Some(dir) = dir else {
        return Check::problem(
            name,
            Status::Missing,
            false,
            "no user directory for this platform",
            format!("set {var} to a writable directory"),
        );
    };
    let shown = dir.display().to_string();
    match std::fs::metadata(&dir) {
        Err(_) => Check::ok(name, false, format!("{shown} (created on first use)")),
        Ok(meta) if !meta.is_dir() => Check::problem(
            name,
            Status::Missing,
            false,
            format!("{shown} is not a directory"),
            format!("remove it, or set {var} to a directory"),
        ),
        Ok(meta) if meta.permissions().readonly() => Check::problem(
            name,
            Status::Missing,
            false,
            format!("{shown} is read-only"),
            format!("make it writable, or set {var} to a writable directory"),
        ),
        Ok(_) => Check::ok(name, false, shown),
    }
}

#[cfg(test)]
mod tests {
    use super::go_supported;

    #[test]
    fn go_versions_against_the_supported_list() {
        assert_eq!(go_supported("go1.27.3"), Some(true));
        assert_eq!(go_supported("go1.26"), Some(true));
        assert_eq!(go_supported("go1.28rc1"), Some(true));
        assert_eq!(go_supported("go1.25.9"), Some(false));
        assert_eq!(go_supported("go1.9"), Some(false));
        assert_eq!(go_supported("devel go1.28-abc"), None);
    }
}
