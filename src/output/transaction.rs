//! All-or-nothing writes: stage every file, keep each original before moving the new file
//! over it, and undo every step on an error or a signal.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use super::WriteOutcome;
use super::journal::{self, Journal, Step};
use super::staging::{Placement, Staging};
use crate::interrupt;
use crate::render::RenderedFile;

/// Writes the whole project into a staging directory beside `dest` (which does not exist)
/// and renames it into place in one step. `finish` runs on the staged tree first.
pub fn write_fresh(
    dest: &Path,
    files: &[RenderedFile],
    finish: impl FnOnce(&Path) -> Result<()>,
) -> Result<WriteOutcome> {
    let parent = parent_of(dest);
    let made_parents = missing_ancestors(&parent);
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let result = (|| {
        let _guard = interrupt::Guard::new().context("catching signals")?;
        let staging = Staging::create(&parent, Placement::Beside)?;
        let result = (|| {
            let tree = staging.new_tree();
            fs::create_dir(&tree).with_context(|| format!("creating {}", tree.display()))?;
            for file in files {
                interrupt::check()?;
                write_file(&tree.join(&file.path), file)?;
            }
            interrupt::check()?;
            finish(&tree)?;
            interrupt::check()?;
            fs::rename(&tree, dest)
                .with_context(|| format!("moving the staged project to {}", dest.display()))
        })();
        staging.remove();
        result
    })();
    if let Err(err) = result {
        for dir in made_parents.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        return Err(err.context(format!("nothing was written to {}", dest.display())));
    }
    Ok(WriteOutcome {
        created: files.iter().map(|f| f.path.clone()).collect(),
        ..WriteOutcome::default()
    })
}

/// How one path changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Create,
    Replace,
    Delete,
}

/// Writes `files` into the existing directory `root` and deletes `deletes` from it, all or
/// nothing. With `fill` (an empty `root`), `finish` runs on the staged tree before it is
/// moved in; otherwise it runs on `root` after the commit.
pub fn write_in_place(
    root: &Path,
    files: &[RenderedFile],
    deletes: &[String],
    fill: bool,
    finish: impl FnOnce(&Path) -> Result<()>,
) -> Result<WriteOutcome> {
    let mut outcome = WriteOutcome::default();
    let mut pending: Vec<(&str, Kind, Option<&RenderedFile>)> = Vec::new();
    for file in files {
        check_path(root, &file.path)?;
        let target = root.join(&file.path);
        match fs::read(&target) {
            Ok(existing) if existing == file.contents => outcome.unchanged.push(file.path.clone()),
            Ok(_) => {
                outcome.overwritten.push(file.path.clone());
                pending.push((&file.path, Kind::Replace, Some(file)));
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                outcome.created.push(file.path.clone());
                pending.push((&file.path, Kind::Create, Some(file)));
            }
            Err(err) => return Err(err).with_context(|| format!("reading {}", target.display())),
        }
    }
    for path in deletes {
        check_path(root, path)?;
        if fs::symlink_metadata(root.join(path)).is_ok() {
            outcome.deleted.push(path.clone());
            pending.push((path, Kind::Delete, None));
        }
    }
    if pending.is_empty() {
        // Nothing to change: no staging, no rewrite, timestamps untouched.
        if !fill {
            finish(root)?;
        }
        return Ok(outcome);
    }

    // Before the commit for an empty directory, after it otherwise.
    let (finish_staged, finish_after) = if fill {
        (Some(finish), None)
    } else {
        (None, Some(finish))
    };
    let guard = interrupt::Guard::new().context("catching signals")?;
    let staging = Staging::create(root, Placement::Inside)?;
    let staged = (|| {
        let new_tree = staging.new_tree();
        let old_tree = staging.old_tree();
        for dir in [&new_tree, &old_tree] {
            fs::create_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        for (path, kind, file) in &pending {
            interrupt::check()?;
            if let Some(file) = file {
                write_file(&new_tree.join(path), file)?;
            }
            if *kind != Kind::Create {
                // Made now so that moving originals aside needs no new inode later.
                let dir = parent_of(&old_tree.join(path));
                fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        if let Some(finish) = finish_staged {
            interrupt::check()?;
            finish(&new_tree)?;
        }
        interrupt::check()?;
        Ok(())
    })();
    let committed = staged.and_then(|()| commit(root, &staging, &pending, fill));
    if let Err(err) = committed {
        let err = roll_back(root, &staging, err);
        drop(guard);
        return Err(err);
    }
    staging.remove();
    drop(guard);
    if let Some(finish) = finish_after {
        finish(root).with_context(|| {
            format!(
                "the files were written to {}, but finishing failed",
                root.display()
            )
        })?;
    }
    Ok(outcome)
}

/// Moves originals aside and staged files into place, recording each step first.
fn commit(
    root: &Path,
    staging: &Staging,
    pending: &[(&str, Kind, Option<&RenderedFile>)],
    fill: bool,
) -> Result<()> {
    let mut journal = Journal::create(&staging.journal())?;
    let new_tree = staging.new_tree();
    let old_tree = staging.old_tree();
    if fill {
        // An empty destination takes the staged tree's top-level entries whole.
        let mut entries: Vec<String> = fs::read_dir(&new_tree)
            .with_context(|| format!("listing {}", new_tree.display()))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        entries.sort();
        for entry in entries {
            interrupt::check()?;
            create(root, &new_tree, &entry, &mut journal)?;
        }
    } else {
        for (path, kind, _) in pending {
            interrupt::check()?;
            let target = root.join(path);
            if *kind != Kind::Create {
                journal.record(&Step::Backup((*path).to_owned()))?;
                fs::rename(&target, old_tree.join(path))
                    .with_context(|| format!("moving {} aside", target.display()))?;
            }
            match kind {
                Kind::Create => {
                    make_parents(root, path, &mut journal)?;
                    create(root, &new_tree, path, &mut journal)?;
                }
                Kind::Replace => {
                    journal.record(&Step::Replace((*path).to_owned()))?;
                    fs::rename(new_tree.join(path), &target)
                        .with_context(|| format!("replacing {}", target.display()))?;
                }
                Kind::Delete => {}
            }
        }
    }
    interrupt::check()?;
    journal.record(&Step::Committed)
}

/// Moves the staged `path` to where nothing is yet.
fn create(root: &Path, new_tree: &Path, path: &str, journal: &mut Journal) -> Result<()> {
    let target = root.join(path);
    if fs::symlink_metadata(&target).is_ok() {
        bail!(
            "{} appeared while scaffold was writing; move it away and run again",
            target.display()
        );
    }
    journal.record(&Step::Create(path.to_owned()))?;
    fs::rename(new_tree.join(path), &target)
        .with_context(|| format!("creating {}", target.display()))
}

/// Creates the missing directories above `path`, each recorded so it can be removed.
fn make_parents(root: &Path, path: &str, journal: &mut Journal) -> Result<()> {
    let segments: Vec<&str> = path.split('/').collect();
    let mut relative = String::new();
    for segment in &segments[..segments.len() - 1] {
        if !relative.is_empty() {
            relative.push('/');
        }
        relative.push_str(segment);
        let dir = root.join(&relative);
        if fs::symlink_metadata(&dir).is_err() {
            journal.record(&Step::Mkdir(relative.clone()))?;
            fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    Ok(())
}

/// Undoes a failed commit and turns `err` into one message that says what state the
/// project is in.
fn roll_back(root: &Path, staging: &Staging, err: anyhow::Error) -> anyhow::Error {
    // A signal during the commit can surface as an I/O error of the step it interrupted.
    let err = match interrupt::received() {
        Some(signal) if !err.chain().any(|c| c.is::<interrupt::Interrupted>()) => {
            anyhow!(signal).context(format!("{err:#}"))
        }
        _ => err,
    };
    let undone = journal::undo(root, staging.path()).unwrap_or_default();
    if undone.failed.is_empty() {
        staging.remove();
        err.context(format!("nothing was changed in {}", root.display()))
    } else {
        // The originals that could not be put back stay in the staging directory, which
        // the next run in this project tries again to restore.
        err.context(format!(
            "{} is incomplete: could not put back {} (the originals are kept in {})",
            root.display(),
            undone.failed.join(", "),
            staging.path().display()
        ))
    }
}

/// Refuses a path whose place is taken by something that cannot be written over safely.
fn check_path(root: &Path, relative: &str) -> Result<()> {
    let mut path = root.to_path_buf();
    let segments: Vec<&str> = relative.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        path.push(segment);
        let last = i + 1 == segments.len();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            return Ok(());
        };
        if last && meta.is_dir() {
            bail!(
                "{} is a directory where scaffold must write a file; move it away",
                path.display()
            );
        }
        if !last && meta.is_symlink() {
            bail!(
                "{} is a symbolic link where scaffold must create a directory, so files would \
                 land outside the project; replace it with a directory or move it away",
                path.display()
            );
        }
        if !last && !meta.is_dir() {
            bail!(
                "{} is a file where scaffold must create a directory; move it away",
                path.display()
            );
        }
    }
    Ok(())
}

pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `dir` and its ancestors that do not exist yet, outermost first.
fn missing_ancestors(dir: &Path) -> Vec<PathBuf> {
    let mut missing: Vec<PathBuf> = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| fs::symlink_metadata(a).is_err())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    missing
}

fn write_file(path: &Path, file: &RenderedFile) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut out = fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    out.write_all(&file.contents)
        .with_context(|| format!("writing {}", path.display()))?;
    if file.executable {
        make_executable(&out).with_context(|| format!("making {} executable", path.display()))?;
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(file: &fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file.metadata()?.permissions().mode();
    // Execute wherever read is allowed, as `chmod +x` does under the umask.
    file.set_permissions(fs::Permissions::from_mode(mode | ((mode & 0o444) >> 2)))
}

#[cfg(not(unix))]
fn make_executable(_: &fs::File) -> std::io::Result<()> {
    Ok(())
}
