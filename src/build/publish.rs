//! Publishing a finished build into the output directory: new archives move in from scratch,
//! `SHA256SUMS` and `manifest.json` are rewritten to list exactly the archives that are there
//! (this build's and those of other projects or versions sharing the directory), and any error
//! puts back every file that had been replaced.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::archive::write_if_changed;
use super::checksums::{Artifact, MANIFEST_FILE, Manifest, SUMS_FILE, file_sha256, sums_file};

/// Serialises publishing among builds sharing an output directory (in `OUT/.cache/`).
const LOCK_FILE: &str = "publish.lock";

/// A new archive waiting in scratch for its place in the output directory.
#[derive(Debug, Clone)]
pub struct Staged {
    pub path: PathBuf,
    /// Its file name in the output directory.
    pub file: String,
}

/// Moves `staged` into `out` and writes the checksums and manifest for `release` merged with
/// the previous manifest's releases whose archives are still there. `planned` are the
/// targets this build was asked for (`os/arch`): a kept archive of one of them that failed
/// now stays listed under the build that made it, not this one. On error nothing in `out`
/// is changed. Returns the manifest written.
pub fn publish(
    out: &Path,
    cache_dir: &Path,
    scratch: &Path,
    release: Manifest,
    staged: &[Staged],
    planned: &[String],
) -> Result<Manifest> {
    fs::create_dir_all(cache_dir).with_context(|| format!("creating {}", cache_dir.display()))?;
    let lock_path = cache_dir.join(LOCK_FILE);
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("opening {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("locking {}", lock_path.display()))?;

    let backups = scratch.join("replaced");
    fs::create_dir_all(&backups).with_context(|| format!("creating {}", backups.display()))?;
    let mut journal = Journal {
        backups,
        moved: Vec::new(),
    };
    let result = (|| -> Result<Manifest> {
        for staged in staged {
            journal.replace_with(&staged.path, &out.join(&staged.file))?;
        }
        let manifest = merge(release, Manifest::read(out), out, planned);
        let sums = sums_file(&manifest.all_artifacts());
        journal.write(&out.join(SUMS_FILE), sums.as_bytes())?;
        journal.write(&out.join(MANIFEST_FILE), &manifest.to_json()?)?;
        Ok(manifest)
    })();
    if result.is_err() {
        journal.roll_back();
    }
    result
}

/// The files replaced so far and where their originals wait, to undo them in reverse.
struct Journal {
    backups: PathBuf,
    /// (the replaced path, its original in `backups` if it had one).
    moved: Vec<(PathBuf, Option<PathBuf>)>,
}

impl Journal {
    /// Keeps the original of `dest` (a hard link, so `dest` never disappears), then renames
    /// `src` over it.
    fn replace_with(&mut self, src: &Path, dest: &Path) -> Result<()> {
        let backup = self.keep(dest)?;
        self.moved.push((dest.to_path_buf(), backup));
        fs::rename(src, dest).with_context(|| format!("moving a new {} in", dest.display()))
    }

    /// Writes `contents` to `dest` atomically, keeping the original.
    fn write(&mut self, dest: &Path, contents: &[u8]) -> Result<()> {
        if fs::read(dest).is_ok_and(|existing| existing == contents) {
            return Ok(());
        }
        let backup = self.keep(dest)?;
        self.moved.push((dest.to_path_buf(), backup));
        write_if_changed(dest, contents).map(|_| ())
    }

    fn keep(&self, dest: &Path) -> Result<Option<PathBuf>> {
        let name = dest.file_name().unwrap_or_default();
        let backup = self.backups.join(name);
        match fs::hard_link(dest, &backup) {
            Ok(()) => Ok(Some(backup)),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
            // A file system without hard links: a copy does as well, using space.
            Err(_) => {
                fs::copy(dest, &backup)
                    .with_context(|| format!("keeping a copy of {}", dest.display()))?;
                Ok(Some(backup))
            }
        }
    }

    /// Puts every original back; best effort, since it runs on the way out of an error.
    fn roll_back(&mut self) {
        for (dest, backup) in self.moved.drain(..).rev() {
            let _ = match backup {
                Some(backup) => fs::rename(&backup, &dest),
                None => fs::remove_file(&dest),
            };
        }
    }
}

/// `current` first, then what `previous` listed that is still in `out` unchanged and not
/// replaced by `current`. Archives of `current`'s own build for targets it was not asked
/// to build join it (builds of one version target by target add up). A build that produced
/// no archive at all leaves the previous manifest as it was, less what vanished.
fn merge(
    mut current: Manifest,
    previous: Option<Manifest>,
    out: &Path,
    planned: &[String],
) -> Manifest {
    let Some(previous) = previous else {
        return current;
    };
    let mut taken: HashSet<String> = current.artifacts.iter().map(|a| a.file.clone()).collect();
    let mut others = Vec::new();
    for mut release in previous.releases() {
        let mut kept = Vec::new();
        for artifact in std::mem::take(&mut release.artifacts) {
            if taken.contains(&artifact.file) || !still_there(out, &artifact) {
                continue;
            }
            taken.insert(artifact.file.clone());
            let joins = !current.artifacts.is_empty()
                && release.same_build(&current)
                && !planned.contains(&artifact.target);
            if joins {
                current.artifacts.push(artifact);
            } else {
                kept.push(artifact);
            }
        }
        if !kept.is_empty() {
            release.artifacts = kept;
            others.push(release);
        }
    }
    if current.artifacts.is_empty() && !others.is_empty() {
        let mut first = others.remove(0);
        first.other_releases = others;
        return first;
    }
    current.other_releases = others;
    current
}

fn still_there(out: &Path, artifact: &Artifact) -> bool {
    let path = out.join(&artifact.file);
    fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == artifact.size)
        && file_sha256(&path).is_ok_and(|sha| sha == artifact.sha256)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::checksums::sha256_hex;

    fn release(project: &str, version: &str, files: &[(&str, &str, &str)]) -> Manifest {
        Manifest {
            project: project.into(),
            binary: project.into(),
            version: version.into(),
            commit: "none".into(),
            date: "unknown".into(),
            source_date_epoch: 0,
            go_version: "go1.27".into(),
            scaffold_version: "0".into(),
            artifacts: files
                .iter()
                .map(|(file, target, contents)| Artifact {
                    file: (*file).into(),
                    target: (*target).into(),
                    size: contents.len() as u64,
                    sha256: sha256_hex(contents.as_bytes()),
                })
                .collect(),
            other_releases: Vec::new(),
        }
    }

    #[test]
    fn other_projects_stay_listed_and_vanished_archives_go() {
        let out = tempfile::tempdir().unwrap();
        let cache = out.path().join(".cache");
        let scratch = tempfile::tempdir_in(out.path()).unwrap();
        for (file, contents) in [("a_1_linux.tar.gz", "a"), ("b_1_linux.tar.gz", "b")] {
            fs::write(out.path().join(file), contents).unwrap();
        }
        let first = release("a", "1", &[("a_1_linux.tar.gz", "linux/amd64", "a")]);
        publish(out.path(), &cache, scratch.path(), first, &[], &[]).unwrap();
        let mut gone = release("c", "1", &[("c_1_linux.tar.gz", "linux/amd64", "c")]);
        gone.other_releases = vec![Manifest::read(out.path()).unwrap()];
        fs::write(out.path().join(MANIFEST_FILE), gone.to_json().unwrap()).unwrap();

        let second = release("b", "1", &[("b_1_linux.tar.gz", "linux/amd64", "b")]);
        let planned = ["linux/amd64".to_owned()];
        let manifest = publish(out.path(), &cache, scratch.path(), second, &[], &planned).unwrap();
        assert_eq!(manifest.project, "b");
        let others: Vec<&str> = manifest
            .other_releases
            .iter()
            .map(|r| r.project.as_str())
            .collect();
        assert_eq!(others, ["a"], "c's archive is not in the directory");
        let sums = fs::read_to_string(out.path().join(SUMS_FILE)).unwrap();
        assert_eq!(sums.lines().count(), 2, "{sums}");
        assert!(sums.contains("a_1_linux.tar.gz") && sums.contains("b_1_linux.tar.gz"));
    }

    #[test]
    fn a_failed_publish_restores_every_replaced_file() {
        let out = tempfile::tempdir().unwrap();
        let cache = out.path().join(".cache");
        let scratch = tempfile::tempdir_in(out.path()).unwrap();
        fs::write(out.path().join("a_1_linux.tar.gz"), "old").unwrap();
        let new = scratch.path().join("new.tar.gz");
        fs::write(&new, "new").unwrap();
        // manifest.json cannot be written: a directory is in its place.
        fs::create_dir(out.path().join(MANIFEST_FILE)).unwrap();
        let staged = [Staged {
            path: new,
            file: "a_1_linux.tar.gz".into(),
        }];
        let current = release("a", "1", &[("a_1_linux.tar.gz", "linux/amd64", "new")]);
        assert!(publish(out.path(), &cache, scratch.path(), current, &staged, &[]).is_err());
        assert_eq!(
            fs::read_to_string(out.path().join("a_1_linux.tar.gz")).unwrap(),
            "old"
        );
        assert!(!out.path().join(SUMS_FILE).exists());
    }
}
