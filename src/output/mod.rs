//! Writing a rendered project to disk all or nothing, one run at a time per project.
//!
//! [`claim`] (for `new`) or [`claim_project`] (for `add` and `update`) locks the destination
//! and clears what interrupted runs left there; [`Claim::write`] then creates, replaces and
//! deletes files as one transaction (see [`transaction`]): a render error, a full disk, a
//! permission error or a signal leaves the project exactly as it was, and a kill is undone
//! by the next run.

mod journal;
mod lock;
mod staging;
mod sweep;
mod transaction;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::RenderedFile;

pub use lock::DirLock;

/// What happened to each file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// Files that did not exist before.
    pub created: Vec<String>,
    /// Files that existed with other contents and were replaced (`--force`).
    pub overwritten: Vec<String>,
    /// Files that existed with the same contents and were left alone.
    pub unchanged: Vec<String>,
    /// Files that existed and were removed.
    pub deleted: Vec<String>,
}

/// What is at the destination before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Nothing: the project is renamed into place whole.
    Missing,
    /// An empty directory: it is filled in place, keeping its inode, mode and owner.
    Empty,
    /// A directory with files in it: only allowed with `--force` (or for `add`).
    Existing,
}

/// Inspects `dest`, refusing a file, a broken link or a non-empty directory (unless
/// `force`) with a message that says what is there.
pub fn inspect(dest: &Path, force: bool) -> Result<Destination> {
    // `link/` and `link` are the same destination; look at the link itself first.
    let trimmed: PathBuf = dest.components().collect();
    let shown = dest.display();
    let metadata = match fs::symlink_metadata(&trimmed) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Destination::Missing);
        }
        Err(err) => return Err(err).with_context(|| format!("inspecting {shown}")),
    };
    let mut what = shown.to_string();
    if metadata.is_symlink() {
        let target = fs::read_link(&trimmed)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        match fs::metadata(&trimmed) {
            Err(_) => bail!(
                "{shown} is a symbolic link to {target}, which does not exist: create {target} \
                 or choose another --output"
            ),
            Ok(meta) if !meta.is_dir() => bail!(
                "{shown} is a symbolic link to {target}, which is not a directory: choose \
                 another --output"
            ),
            Ok(_) => what = format!("{shown} (a symbolic link to {target})"),
        }
    } else if !metadata.is_dir() {
        bail!("{shown} exists and is not a directory: choose another --output");
    }
    let mut entries: Vec<String> = fs::read_dir(&trimmed)
        .with_context(|| format!("listing {what}"))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        // What interrupted runs left is cleared before writing; it does not make a
        // directory occupied.
        .filter(|name| !name.starts_with(staging::PREFIX))
        .collect();
    if entries.is_empty() {
        return Ok(Destination::Empty);
    }
    if force {
        return Ok(Destination::Existing);
    }
    entries.sort();
    let listed = entries
        .iter()
        .take(5)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = match entries.len().saturating_sub(5) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    bail!(
        "{what} already exists and is not empty (it holds {listed}{more}): choose another \
         --output, or pass --force to overwrite conflicting files and keep the others"
    )
}

/// A destination claimed for writing: locked against other scaffold runs and cleared of
/// what interrupted runs left.
#[derive(Debug)]
pub struct Claim {
    root: PathBuf,
    state: Destination,
    _lock: Option<DirLock>,
}

/// Claims the destination of `scaffold new`.
pub fn claim(dest: &Path, force: bool) -> Result<Claim> {
    let state = inspect(dest, force)?;
    let parent = transaction::parent_of(&dest.components().collect::<PathBuf>());
    let lock = match state {
        Destination::Missing => None,
        Destination::Empty | Destination::Existing => {
            let lock = DirLock::acquire(dest)?;
            sweep::sweep(dest, true)?;
            Some(lock)
        }
    };
    sweep::sweep(&parent, false)?;
    // Another run may have written it while this one waited for the lock.
    let state = inspect(dest, force)?;
    Ok(Claim {
        root: dest.to_path_buf(),
        state,
        _lock: lock,
    })
}

/// Claims an existing project directory for `add` (or `update`): locked, and with any
/// interrupted run's changes undone, before its `.scaffold.yaml` is read.
pub fn claim_project(dir: &Path) -> Result<Claim> {
    let lock = DirLock::acquire(dir)?;
    sweep::sweep(dir, true)?;
    Ok(Claim {
        root: dir.to_path_buf(),
        state: Destination::Existing,
        _lock: Some(lock),
    })
}

impl Claim {
    pub fn state(&self) -> Destination {
        self.state
    }

    /// Writes `files` and deletes `deletes` (paths relative to the destination), all or
    /// nothing. `finish` runs on the complete tree: before it becomes visible for a new
    /// or empty destination (e.g. to make the initial git commit), after the commit for an
    /// existing one.
    pub fn write(
        self,
        files: &[RenderedFile],
        deletes: &[String],
        finish: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<WriteOutcome> {
        match self.state {
            Destination::Missing => transaction::write_fresh(&self.root, files, finish),
            Destination::Empty => {
                transaction::write_in_place(&self.root, files, deletes, true, finish)
            }
            Destination::Existing => {
                transaction::write_in_place(&self.root, files, deletes, false, finish)
            }
        }
    }
}

/// Writes a project into `dest` (see [`claim`] and [`Claim::write`]).
pub fn write_project(
    dest: &Path,
    files: &[RenderedFile],
    force: bool,
    finish: impl FnOnce(&Path) -> Result<()>,
) -> Result<WriteOutcome> {
    claim(dest, force)?.write(files, &[], finish)
}

#[cfg(test)]
mod tests;
