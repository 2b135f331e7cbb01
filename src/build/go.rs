//! Running the Go toolchain: its version, the targets it supports, and `go build`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{Context, Result, anyhow, bail};

use super::child::{self, Ended};
use super::failure::Failure;
use super::targets::Target;

/// Flags on every build: paths and VCS data out of the binary, so builds reproduce.
pub const BUILD_FLAGS: &[&str] = &["-trimpath", "-buildvcs=false"];

/// Environment variables that change what `go build` produces; their values are part of a
/// target's cache key. (`GOOS`, `GOARCH` and `CGO_ENABLED` are set by scaffold itself.)
pub const BUILD_ENV: &[&str] = &[
    "GOFLAGS",
    "GOEXPERIMENT",
    "GOFIPS140",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "GO386",
    "GOMIPS",
    "GOMIPS64",
    "GOPPC64",
    "GORISCV64",
    "GOWASM",
];

/// The Go installation `go` on PATH resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    /// `go1.27.3`.
    pub version: String,
    pub root: PathBuf,
}

impl Toolchain {
    /// Asks `go env` in `dir`, so a `toolchain` line in go.mod is honoured as `go build`
    /// will honour it. This is the only `go` process an up-to-date build starts.
    pub fn detect(dir: &Path) -> Result<Toolchain> {
        let output = run(go().args(["env", "GOVERSION", "GOROOT"]).current_dir(dir))?;
        let text = String::from_utf8_lossy(&output.stdout);
        let mut lines = text.lines().map(str::trim);
        match (lines.next(), lines.next()) {
            (Some(version), Some(root)) if !version.is_empty() => Ok(Toolchain {
                version: version.to_owned(),
                root: PathBuf::from(root),
            }),
            _ => bail!("`go env GOVERSION GOROOT` printed something unexpected: {text:?}"),
        }
    }
}

/// `go tool dist list`: every `os/arch` the installed Go can build.
pub fn dist_list() -> Result<Vec<String>> {
    let output = run(go().args(["tool", "dist", "list"]))?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// One `go build` of the main package for a target.
#[derive(Debug)]
pub struct GoBuild<'a> {
    pub dir: &'a Path,
    pub main: &'a str,
    pub ldflags: &'a str,
    pub target: &'a Target,
    pub output: &'a Path,
    /// Where `go`'s stdout and stderr are collected.
    pub log: &'a Path,
    /// `GOTMPDIR`, unless the user set one: go leaves its work directory behind when
    /// interrupted, and inside the build's scratch directory it goes with it.
    pub tmp: &'a Path,
}

impl GoBuild<'_> {
    /// Runs the build in its own process group. The outer error is a failure to run `go` at
    /// all, or [`Interrupted`](crate::interrupt::Interrupted) when a signal stopped it; the
    /// inner one is a failed build, with what `go` printed and whose fault it was.
    pub fn run(&self) -> Result<std::result::Result<(), Failure>> {
        let mut cmd = go();
        cmd.arg("build")
            .args(BUILD_FLAGS)
            .arg("-ldflags")
            .arg(self.ldflags)
            .arg("-o")
            .arg(self.output)
            .arg(self.main)
            .current_dir(self.dir)
            .env("CGO_ENABLED", "0")
            .env("GOOS", &self.target.os)
            .env("GOARCH", &self.target.arch);
        if std::env::var_os("GOTMPDIR").is_none_or(|v| v.is_empty()) {
            cmd.env("GOTMPDIR", self.tmp);
        }
        let status = match child::run(&mut cmd, self.log).map_err(spawn_error)? {
            Ended::Stopped(interrupted) => return Err(interrupted.into()),
            Ended::Exited(status) => status,
        };
        if status.success() {
            return Ok(Ok(()));
        }
        let text = child::read_log(self.log)?;
        if let Some(signal) = child::killed_by(&status) {
            let mut message = format!(
                "go build was killed by signal {signal} (not by scaffold): the machine may be out \
                 of memory, or something stopped it"
            );
            if !text.is_empty() {
                message = format!("{text}\n{message}");
            }
            return Ok(Err(Failure::environment(message)));
        }
        if text.is_empty() {
            return Ok(Err(Failure::environment(format!(
                "go build exited with {status} and printed nothing"
            ))));
        }
        Ok(Err(Failure::from_go(text)))
    }
}

fn go() -> Command {
    let mut cmd = Command::new("go");
    cmd.stdin(Stdio::null());
    cmd
}

fn spawn(cmd: &mut Command) -> Result<Output> {
    crate::verbosity::traced(cmd).output().map_err(spawn_error)
}

fn spawn_error(err: std::io::Error) -> anyhow::Error {
    if err.kind() == std::io::ErrorKind::NotFound {
        anyhow!(
            "`go` is not on PATH: scaffold build runs the Go toolchain; install Go from \
             https://go.dev/dl/ and make sure its bin directory is on PATH"
        )
    } else {
        anyhow::Error::new(err).context("running go")
    }
}

/// Runs a quick `go` query, failing with its message when it fails.
fn run(cmd: &mut Command) -> Result<Output> {
    let output = spawn(cmd)?;
    if !output.status.success() {
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return Err(anyhow!(
            "{}",
            String::from_utf8_lossy(&output.stderr)
                .trim()
                .replace('\n', "; ")
        ))
        .with_context(|| format!("go {} failed", args.join(" ")));
    }
    Ok(output)
}
