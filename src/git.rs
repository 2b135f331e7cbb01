//! The git commands scaffold runs: reading the user's identity and making the initial commit.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The user's configured git name and email; empty when unset or when git is absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// Reads `user.name` and `user.email` from git config in one call.
pub fn identity() -> Identity {
    let output = crate::verbosity::traced(
        Command::new("git")
            .args(["config", "--get-regexp", r"^user\.(name|email)$"])
            .stdin(Stdio::null())
            .stderr(Stdio::null()),
    )
    .output();
    let mut identity = Identity::default();
    let Ok(output) = output else {
        return identity;
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        match line.split_once(' ') {
            Some(("user.name", value)) => identity.name = value.trim().to_owned(),
            Some(("user.email", value)) => identity.email = value.trim().to_owned(),
            _ => {}
        }
    }
    identity
}

/// Fails with instructions when a commit would fail for lack of git or an identity,
/// so `--git` is refused before anything is written.
pub fn check_can_commit() -> Result<()> {
    for ident in ["GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"] {
        let output = crate::verbosity::traced(
            Command::new("git")
                .args(["-c", "user.useConfigOnly=true", "var", ident])
                .stdin(Stdio::null()),
        )
        .output();
        match output {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                bail!("--git needs git, which is not on PATH: install git or leave out --git")
            }
            Err(err) => return Err(err).context("running git var"),
            Ok(output) if !output.status.success() => bail!(
                "--git needs a git identity for the initial commit: run \
                 `git config --global user.name \"Your Name\"` and \
                 `git config --global user.email you@example.com`"
            ),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Initialises a repository in `dir` on branch `main` and commits everything in it.
pub fn init_and_commit(dir: &Path, message: &str) -> Result<()> {
    run_git(dir, &["init", "--quiet", "--initial-branch=main"])?;
    run_git(dir, &["add", "--all"])?;
    run_git(
        dir,
        &["commit", "--quiet", "--no-verify", "--message", message],
    )?;
    Ok(())
}

fn run_git(dir: &Path, args: &[&str]) -> Result<()> {
    let output = crate::verbosity::traced(
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null()),
    )
    .output()
    .with_context(|| format!("running git {} in {}", args.join(" "), dir.display()))?;
    if !output.status.success() {
        bail!(
            "git {} failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}
