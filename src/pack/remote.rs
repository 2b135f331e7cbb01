//! Packs from git repositories: cloned once into the user cache, then used offline.
//!
//! The cache holds a mirror clone per URL and one extracted tree per commit. A cached clone
//! is reused without touching the network unless `--refresh` is given or the ref asked for
//! is not in it, so a pack that rendered once renders again on a plane.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{Context, Result, anyhow};
use sha2::{Digest, Sha256};

use super::source::GitSpec;
use crate::error::usage;

/// A pack folder checked out from git, and the commit it is at.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub dir: PathBuf,
    pub commit: String,
}

/// Where scaffold caches clones: `SCAFFOLD_CACHE_DIR`, else the user cache dir.
pub fn cache_root() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SCAFFOLD_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::cache_dir()
        .map(|dir| dir.join("scaffold"))
        .context("no user cache folder is known here: set SCAFFOLD_CACHE_DIR")
}

/// Clones (or reuses) `spec`'s repository and checks out the ref's tree.
pub fn fetch(spec: &GitSpec, refresh: bool) -> Result<Fetched> {
    let root = cache_root()?;
    let key = short_hash(&spec.url);
    let repos = root.join("git");
    let repo = repos.join(&key);
    let mut fetched_now = false;
    if !repo.join("HEAD").is_file() {
        clone(&spec.url, &repos, &repo)?;
        fetched_now = true;
    } else if refresh {
        update(&spec.url, &repo)?;
        fetched_now = true;
    }
    let wanted = spec.reference.as_deref().unwrap_or("HEAD");
    let commit = match resolve(&repo, wanted)? {
        Some(commit) => commit,
        None if !fetched_now => {
            // The ref may be newer than the cached clone: only now is the network needed.
            update(&spec.url, &repo)?;
            resolve(&repo, wanted)?.ok_or_else(|| missing_ref(spec, wanted))?
        }
        None => return Err(missing_ref(spec, wanted)),
    };
    let tree = root.join("trees").join(&key).join(&commit);
    if refresh && tree.is_dir() {
        // A refresh also replaces the checkout, in case it was changed by hand.
        fs::remove_dir_all(&tree).with_context(|| format!("removing {}", tree.display()))?;
    }
    if !tree.is_dir() {
        extract(&repo, &commit, &tree)?;
    }
    let dir = match &spec.subdir {
        Some(subdir) => tree.join(subdir),
        None => tree,
    };
    if !dir.is_dir() {
        return Err(usage(format!(
            "{} at {wanted} has no folder `{}`: check the part after `//`",
            spec.url,
            spec.subdir.as_deref().unwrap_or_default()
        )));
    }
    Ok(Fetched { dir, commit })
}

fn missing_ref(spec: &GitSpec, wanted: &str) -> anyhow::Error {
    usage(format!(
        "the ref `{wanted}` does not exist in {}: give an existing tag, branch or commit after `#`",
        spec.url
    ))
}

fn clone(url: &str, repos: &Path, repo: &Path) -> Result<()> {
    fs::create_dir_all(repos).with_context(|| format!("creating {}", repos.display()))?;
    // Cloned beside its final place and renamed, so an interrupted clone is never reused.
    let staging = tempfile::Builder::new()
        .prefix(".clone-")
        .tempdir_in(repos)
        .with_context(|| format!("creating a folder in {}", repos.display()))?;
    let target = staging.path().join("repo");
    let output = git(None, &["clone", "--quiet", "--mirror", "--", url])
        .arg(&target)
        .output();
    checked(output, || format!("cannot clone the pack repository {url}"))?;
    if let Err(err) = fs::rename(&target, repo)
        && !repo.join("HEAD").is_file()
    {
        return Err(err).with_context(|| format!("moving the clone to {}", repo.display()));
    }
    Ok(())
}

fn update(url: &str, repo: &Path) -> Result<()> {
    let output = git(
        Some(repo),
        &["fetch", "--quiet", "--prune", "--tags", "origin"],
    )
    .output();
    checked(output, || format!("cannot fetch the pack repository {url}"))?;
    Ok(())
}

/// The full commit SHA `wanted` names, or `None` when the clone has no such ref.
fn resolve(repo: &Path, wanted: &str) -> Result<Option<String>> {
    if wanted.starts_with('-') {
        return Ok(None);
    }
    let spec = format!("{wanted}^{{commit}}");
    let output = git(
        Some(repo),
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )
    .output();
    let output = match output {
        Ok(output) => output,
        Err(err) => return Err(spawn_error(err)),
    };
    if !output.status.success() {
        return Ok(None);
    }
    let commit = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Ok(Some(commit))
}

/// Writes the tree of `commit` to `tree` (via a sibling folder and a rename).
fn extract(repo: &Path, commit: &str, tree: &Path) -> Result<()> {
    let parent = tree.parent().context("tree folder has a parent")?;
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".tree-")
        .tempdir_in(parent)
        .with_context(|| format!("creating a folder in {}", parent.display()))?;
    let output = git(Some(repo), &["archive", "--format=tar", commit]).output();
    let output = checked(output, || format!("reading commit {commit}"))?;
    let target = staging.path().join("tree");
    fs::create_dir_all(&target)?;
    tar::Archive::new(&output.stdout[..])
        .unpack(&target)
        .with_context(|| format!("unpacking commit {commit} into {}", target.display()))?;
    if let Err(err) = fs::rename(&target, tree)
        && !tree.is_dir()
    {
        return Err(err).with_context(|| format!("moving the checkout to {}", tree.display()));
    }
    Ok(())
}

/// A git command that never waits for a password or a host-key answer.
fn git(dir: Option<&Path>, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.arg("--git-dir").arg(dir);
    }
    cmd.args(args)
        .stdin(Stdio::null())
        .env("GIT_TERMINAL_PROMPT", "0");
    if std::env::var_os("GIT_SSH_COMMAND").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    cmd
}

/// The output of a git command that must succeed; its failure is one line with git's reason.
fn checked(output: std::io::Result<Output>, what: impl Fn() -> String) -> Result<Output> {
    let output = output.map_err(spawn_error)?;
    if output.status.success() {
        return Ok(output);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // git's first `fatal:` line says what went wrong; the rest is advice about access rights.
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let reason = lines
        .iter()
        .find(|line| line.starts_with("fatal:") || line.starts_with("error:"))
        .or(lines.first())
        .copied()
        .unwrap_or("git failed without a message")
        .to_owned();
    Err(usage(format!("{}: {reason}", what())))
}

fn spawn_error(err: std::io::Error) -> anyhow::Error {
    if err.kind() == std::io::ErrorKind::NotFound {
        anyhow!(
            "packs from git repositories need the `git` command, which is not on PATH: install git"
        )
    } else {
        anyhow!("running git: {err}")
    }
}

fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
