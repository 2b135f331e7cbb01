//! The commit journal: each step is written down before it is taken, so the steps can be
//! undone in reverse, by this run after an error or a signal, or by a later run after a kill.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// One step of a commit, recorded before it is taken. Paths are relative to the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", content = "path", rename_all = "lowercase")]
pub enum Step {
    /// A directory that did not exist is about to be created.
    Mkdir(String),
    /// An existing file is about to be moved into `old/` (to be replaced or deleted).
    Backup(String),
    /// A staged entry is about to be moved from `new/` to a path where nothing was.
    Create(String),
    /// A staged file is about to be moved over a path whose original is in `old/`.
    Replace(String),
    /// Every step is done: the new tree is in place and must not be undone.
    Committed,
}

/// Appends steps to the journal file.
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    pub fn create(path: &Path) -> Result<Journal> {
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        Ok(Journal {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Records `step`; the step must not be taken when this fails.
    pub fn record(&mut self, step: &Step) -> Result<()> {
        let mut line = serde_json::to_vec(step).context("encoding a journal step")?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .with_context(|| format!("writing {}", self.path.display()))
    }
}

/// The steps recorded in `path`; a last line cut short by a kill or a full disk is a step
/// that was never taken, so it is ignored.
pub fn read(path: &Path) -> Vec<Step> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// What undoing a commit achieved.
#[derive(Debug, Default)]
pub struct Undone {
    /// Originals put back and created entries removed.
    pub reverted: usize,
    /// Paths that could not be put back, with why; their originals stay in `old/`.
    pub failed: Vec<String>,
}

/// Undoes the recorded steps of the staging directory `staging` on `root`, newest first.
/// Every step is checked against the disk, so a step recorded but not taken is harmless.
/// Returns `None` when the commit had completed (nothing to undo).
pub fn undo(root: &Path, staging: &Path) -> Option<Undone> {
    let steps = read(&staging.join("journal"));
    if steps.contains(&Step::Committed) {
        return None;
    }
    let new_tree = staging.join("new");
    let old_tree = staging.join("old");
    let mut undone = Undone::default();
    for step in steps.iter().rev() {
        let result = match step {
            Step::Committed | Step::Replace(_) => Ok(false),
            Step::Create(path) => {
                // Only if it left new/: otherwise the move was never made.
                let target = root.join(path);
                if fs::symlink_metadata(new_tree.join(path)).is_ok() {
                    Ok(false)
                } else {
                    match fs::symlink_metadata(&target) {
                        Ok(meta) if meta.is_dir() => fs::remove_dir_all(&target).map(|()| true),
                        Ok(_) => fs::remove_file(&target).map(|()| true),
                        Err(_) => Ok(false),
                    }
                }
            }
            Step::Backup(path) => {
                let original = old_tree.join(path);
                if fs::symlink_metadata(&original).is_ok() {
                    fs::rename(&original, root.join(path)).map(|()| true)
                } else {
                    Ok(false)
                }
            }
            Step::Mkdir(path) => {
                // Only an empty directory: anything else in it is not ours to remove.
                Ok(fs::remove_dir(root.join(path)).is_ok())
            }
        };
        match result {
            Ok(true) => undone.reverted += 1,
            Ok(false) => {}
            Err(err) => {
                let path = match step {
                    Step::Create(p) | Step::Backup(p) | Step::Replace(p) | Step::Mkdir(p) => p,
                    Step::Committed => "",
                };
                undone.failed.push(format!("{path} ({err})"));
            }
        }
    }
    Some(undone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_puts_originals_back_and_removes_what_was_created() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        let staging = tmp.path().join("s");
        for dir in [&root, &staging.join("new"), &staging.join("old")] {
            fs::create_dir_all(dir).unwrap();
        }
        fs::write(root.join("a"), "new a").unwrap();
        fs::write(staging.join("old/a"), "old a").unwrap();
        fs::create_dir(root.join("d")).unwrap();
        fs::write(root.join("d/b"), "created").unwrap();
        // Recorded but never taken: c is still staged.
        fs::write(staging.join("new/c"), "staged").unwrap();
        let mut journal = Journal::create(&staging.join("journal")).unwrap();
        for step in [
            Step::Backup("a".into()),
            Step::Replace("a".into()),
            Step::Mkdir("d".into()),
            Step::Create("d/b".into()),
            Step::Create("c".into()),
        ] {
            journal.record(&step).unwrap();
        }
        // A line cut short is ignored.
        fs::write(
            staging.join("journal"),
            fs::read_to_string(staging.join("journal")).unwrap() + "{\"step\":\"cre",
        )
        .unwrap();
        let undone = undo(&root, &staging).unwrap();
        assert!(undone.failed.is_empty(), "{:?}", undone.failed);
        assert_eq!(undone.reverted, 3);
        assert_eq!(fs::read_to_string(root.join("a")).unwrap(), "old a");
        assert!(!root.join("d").exists());
        assert!(!root.join("c").exists());
    }

    #[test]
    fn a_committed_journal_is_not_undone() {
        let tmp = tempfile::tempdir().unwrap();
        let mut journal = Journal::create(&tmp.path().join("journal")).unwrap();
        journal.record(&Step::Committed).unwrap();
        assert!(undo(tmp.path(), tmp.path()).is_none());
    }
}
