//! Writing a rendered project to disk without ever leaving half of it behind.
//!
//! A new project is written into a staging directory beside the destination and renamed
//! into place in one step, so a render error, a full disk or a kill leaves no partial
//! project. With `--force` into an existing directory, each file is staged and renamed
//! over its target, so no file is ever half-written.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::RenderedFile;

/// What happened to each file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// Files that did not exist before.
    pub created: Vec<String>,
    /// Files that existed with other contents and were replaced (`--force`).
    pub overwritten: Vec<String>,
    /// Files that existed with the same contents and were left alone.
    pub unchanged: Vec<String>,
}

/// What is at the destination before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Nothing, or an empty directory: the project is renamed into place whole.
    Fresh,
    /// A directory with files in it: only allowed with `--force`.
    Existing,
}

/// Inspects `dest`, refusing a file or a non-empty directory (unless `force`) with a
/// message that lists what is there.
pub fn inspect(dest: &Path, force: bool) -> Result<Destination> {
    let metadata = match fs::symlink_metadata(dest) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Destination::Fresh),
        Err(err) => return Err(err).with_context(|| format!("inspecting {}", dest.display())),
    };
    if !metadata.is_dir() {
        bail!(
            "{} exists and is not a directory: choose another --output",
            dest.display()
        );
    }
    let mut entries: Vec<String> = fs::read_dir(dest)
        .with_context(|| format!("listing {}", dest.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    if entries.is_empty() {
        return Ok(Destination::Fresh);
    }
    if force {
        return Ok(Destination::Existing);
    }
    entries.sort();
    let shown = entries
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
        "{} already exists and is not empty (it holds {shown}{more}): choose another --output, \
         or pass --force to overwrite conflicting files and keep the others",
        dest.display()
    )
}

/// Writes `files` to `dest`. `finish` runs on the complete tree before it becomes visible
/// at `dest` (for a fresh destination), e.g. to make the initial git commit.
pub fn write_project(
    dest: &Path,
    files: &[RenderedFile],
    force: bool,
    finish: impl FnOnce(&Path) -> Result<()>,
) -> Result<WriteOutcome> {
    match inspect(dest, force)? {
        Destination::Fresh => write_fresh(dest, files, finish),
        Destination::Existing => {
            let outcome = write_over(dest, files)?;
            finish(dest)?;
            Ok(outcome)
        }
    }
}

fn write_fresh(
    dest: &Path,
    files: &[RenderedFile],
    finish: impl FnOnce(&Path) -> Result<()>,
) -> Result<WriteOutcome> {
    let parent = parent_of(dest);
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = staging_dir(&parent, dest)?;
    for file in files {
        write_file(&staging.path().join(&file.path), file)?;
    }
    finish(staging.path())?;
    if dest.is_dir() {
        // An empty directory is in the way; rename cannot replace it on every platform.
        fs::remove_dir(dest).with_context(|| format!("replacing the empty {}", dest.display()))?;
    }
    fs::rename(staging.path(), dest).with_context(|| {
        format!(
            "moving the staged project from {} to {}",
            staging.path().display(),
            dest.display()
        )
    })?;
    let _ = staging.keep();
    Ok(WriteOutcome {
        created: files.iter().map(|f| f.path.clone()).collect(),
        ..WriteOutcome::default()
    })
}

/// Writes `files` into the existing directory `dest`, each staged and renamed over its
/// target; files whose contents are already right are left alone.
pub fn write_over(dest: &Path, files: &[RenderedFile]) -> Result<WriteOutcome> {
    let mut outcome = WriteOutcome::default();
    let mut pending = Vec::new();
    for file in files {
        let target = dest.join(&file.path);
        check_no_directory_in_the_way(dest, &file.path)?;
        match fs::read(&target) {
            Ok(existing) if existing == file.contents => outcome.unchanged.push(file.path.clone()),
            Ok(_) => {
                outcome.overwritten.push(file.path.clone());
                pending.push(file);
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                outcome.created.push(file.path.clone());
                pending.push(file);
            }
            Err(err) => return Err(err).with_context(|| format!("reading {}", target.display())),
        }
    }
    let staging = staging_dir(dest, dest)?;
    for (index, file) in pending.iter().enumerate() {
        write_file(&staging.path().join(index.to_string()), file)?;
    }
    for (index, file) in pending.iter().enumerate() {
        let target = dest.join(&file.path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        fs::rename(staging.path().join(index.to_string()), &target)
            .with_context(|| format!("replacing {}", target.display()))?;
    }
    Ok(outcome)
}

/// A directory where a file must go (or a file where a directory must go) cannot be
/// overwritten safely even with `--force`.
fn check_no_directory_in_the_way(dest: &Path, relative: &str) -> Result<()> {
    let mut path = dest.to_path_buf();
    let segments: Vec<&str> = relative.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        path.push(segment);
        let last = i + 1 == segments.len();
        match fs::symlink_metadata(&path) {
            Ok(meta) if last && meta.is_dir() => {
                bail!(
                    "{} is a directory where scaffold must write a file; move it away",
                    path.display()
                )
            }
            Ok(meta) if !last && !meta.is_dir() => {
                bail!(
                    "{} is a file where scaffold must create a directory; move it away",
                    path.display()
                )
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

fn parent_of(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn staging_dir(parent: &Path, dest: &Path) -> Result<tempfile::TempDir> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let prefix = format!(".{name}.scaffold-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The umask still applies, so the project ends up with the user's usual modes.
        builder.permissions(fs::Permissions::from_mode(0o777));
    }
    builder
        .tempdir_in(parent)
        .with_context(|| format!("creating a staging directory in {}", parent.display()))
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

#[cfg(test)]
mod tests;
