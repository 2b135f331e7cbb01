//! Deciding what happens to each file of a project when its pack moves on: created,
//! replaced, merged, conflicted, deleted, renamed or left alone — before anything is written.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use sha2::{Digest, Sha256};

use super::merge::{self, Labels, Merged};

/// Rendered files by project-relative path.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// How a conflict reaches the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Git-style markers in the file itself.
    #[default]
    Inline,
    /// The user's file stays as it is; the pack's change goes to `FILE.rej` beside it.
    Reject,
    /// Any conflict fails the whole update before anything is written.
    Fail,
}

/// What happens to one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A file the pack added.
    Create,
    /// A file the user never changed, replaced by the pack's new version.
    Update,
    /// The user's edits and the pack's changes, merged without overlap.
    Merge,
    /// Overlapping edits: markers in the file, or a `.rej` beside it.
    Conflict { hunks: usize },
    /// A binary file both sides changed: the user's version is kept.
    BinaryConflict,
    /// A file the pack removed and the user never changed.
    Delete,
    /// A file the pack moved, carrying the user's edits along.
    Rename { from: String, conflict_hunks: usize },
    /// The pack removed or changed a file the user edited; the user's version stays.
    KeepEdited,
    /// A file the user deleted stays deleted, whatever the pack did to it.
    KeepDeleted,
    /// The pack's change to a conflicted file, written beside it.
    Reject,
}

/// One path's decision, with the bytes to write (`None` with [`Action::Delete`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub path: String,
    pub action: Action,
    pub contents: Option<Vec<u8>>,
}

/// Everything an update will do, computed before anything is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Only paths where something happens or is reported; sorted by path.
    pub steps: Vec<Step>,
    /// For the new `.scaffold.yaml`: the sha256 of each file as the pack renders it now.
    pub written: BTreeMap<String, String>,
    /// True when the old render was unavailable and edited files were compared two ways.
    pub two_way: bool,
}

impl Plan {
    /// How many files carry conflicts (markers, `.rej` or binary).
    pub fn conflicts(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| {
                matches!(
                    s.action,
                    Action::Conflict { .. }
                        | Action::BinaryConflict
                        | Action::Rename {
                            conflict_hunks: 1..,
                            ..
                        }
                )
            })
            .count()
    }

    /// Paths to write (`Some`) or delete (`None`), for the transactional writer.
    pub fn changes(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> {
        self.steps.iter().filter_map(|step| match step.action {
            Action::Delete => Some((step.path.as_str(), None)),
            _ => step
                .contents
                .as_deref()
                .map(|bytes| (step.path.as_str(), Some(bytes))),
        })
    }
}

/// What the planner knows about a project.
pub struct Inputs<'a> {
    /// The pack's render at the recorded version and answers; `None` when it cannot be had.
    pub base: Option<&'a Tree>,
    /// The pack's render at the target version with the new answers.
    pub theirs: &'a Tree,
    /// The sha256 of each file as scaffold last wrote it (from `.scaffold.yaml`).
    pub written: &'a BTreeMap<String, String>,
    /// Renames the target version declares, old path → new path.
    pub renames: &'a BTreeMap<String, String>,
    pub labels: Labels<'a>,
    pub on_conflict: OnConflict,
}

/// Plans the update; `ours` reads a project file (`None` when it does not exist).
pub fn plan(inputs: &Inputs<'_>, ours: impl Fn(&str) -> Result<Option<Vec<u8>>>) -> Result<Plan> {
    let empty = Tree::new();
    let base = inputs.base.unwrap_or(&empty);
    let mut planner = Planner {
        inputs,
        base,
        plan: Plan {
            two_way: inputs.base.is_none(),
            ..Plan::default()
        },
    };
    let renames = planner.renames();
    let renamed_to: BTreeSet<&str> = renames.values().map(String::as_str).collect();

    // Without the old render, the recorded hashes still tell which files the pack wrote.
    let recorded = inputs.base.is_none().then_some(inputs.written.keys());
    let paths: BTreeSet<&String> = base
        .keys()
        .chain(inputs.theirs.keys())
        .chain(recorded.into_iter().flatten())
        .collect();
    for path in paths {
        if renamed_to.contains(path.as_str()) {
            continue; // decided with its old path
        }
        let ours_now = ours(path)?;
        if let Some(new_path) = renames.get(path.as_str()) {
            let ours_new = ours(new_path)?;
            planner.rename(path, new_path, ours_now, ours_new);
            continue;
        }
        match (base.get(path), inputs.theirs.get(path)) {
            (Some(old), Some(new)) => planner.changed(path, old, new, ours_now),
            (None, Some(new)) => planner.added(path, new, ours_now),
            (_, None) => planner.removed(path, ours_now),
        }
    }
    for (path, bytes) in inputs.theirs {
        planner.plan.written.insert(path.clone(), sha256_hex(bytes));
    }
    planner.plan.steps.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(planner.plan)
}

/// The hex sha256 recorded for each generated file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Planner<'a, 'i> {
    inputs: &'a Inputs<'i>,
    base: &'a Tree,
    plan: Plan,
}

impl Planner<'_, '_> {
    /// Declared renames, plus files whose old render reappears unchanged at a new path.
    fn renames(&self) -> BTreeMap<String, String> {
        let theirs = self.inputs.theirs;
        let mut renames: BTreeMap<String, String> = self
            .inputs
            .renames
            .iter()
            .filter(|(old, new)| {
                self.base.contains_key(*old)
                    && !theirs.contains_key(*old)
                    && theirs.contains_key(*new)
            })
            .map(|(old, new)| (old.clone(), new.clone()))
            .collect();
        let gone: Vec<(&String, &Vec<u8>)> = self
            .base
            .iter()
            .filter(|(path, _)| !theirs.contains_key(*path) && !renames.contains_key(*path))
            .collect();
        for (old, bytes) in gone {
            let mut candidates = theirs.iter().filter(|(path, new)| {
                !self.base.contains_key(*path)
                    && *new == bytes
                    && !renames.values().any(|taken| taken == *path)
            });
            if let (Some((new, _)), None) = (candidates.next(), candidates.next()) {
                renames.insert(old.clone(), new.clone());
            }
        }
        renames
    }

    /// Whether the user's file is exactly what scaffold wrote last time.
    fn untouched(&self, path: &str, ours: &[u8]) -> bool {
        match self.inputs.written.get(path) {
            Some(hash) => sha256_hex(ours) == *hash,
            None => self.base.get(path).is_some_and(|old| old == ours),
        }
    }

    fn push(&mut self, path: &str, action: Action, contents: Option<Vec<u8>>) {
        self.plan.steps.push(Step {
            path: path.to_owned(),
            action,
            contents,
        });
    }

    fn changed(&mut self, path: &str, old: &[u8], new: &[u8], ours: Option<Vec<u8>>) {
        let Some(ours) = ours else {
            if old != new {
                self.push(path, Action::KeepDeleted, None);
            }
            return;
        };
        if ours == new {
            return;
        }
        if self.untouched(path, &ours) {
            self.push(path, Action::Update, Some(new.to_vec()));
        } else if old != new {
            self.merge(path, Some(old), &ours, new);
        }
    }

    fn added(&mut self, path: &str, new: &[u8], ours: Option<Vec<u8>>) {
        match ours {
            None => self.push(path, Action::Create, Some(new.to_vec())),
            Some(ours) if ours == new => {}
            Some(ours) if self.untouched(path, &ours) => {
                self.push(path, Action::Update, Some(new.to_vec()))
            }
            Some(ours) => self.merge(path, None, &ours, new),
        }
    }

    fn removed(&mut self, path: &str, ours: Option<Vec<u8>>) {
        match ours {
            None => {}
            Some(ours) if self.untouched(path, &ours) => self.push(path, Action::Delete, None),
            Some(_) => self.push(path, Action::KeepEdited, None),
        }
    }

    fn rename(&mut self, old: &str, new: &str, ours: Option<Vec<u8>>, ours_new: Option<Vec<u8>>) {
        let theirs = &self.inputs.theirs[new];
        let Some(ours) = ours else {
            if ours_new.is_none() {
                self.push(new, Action::KeepDeleted, None);
            }
            return;
        };
        if ours_new.is_some() {
            // Something already stands at the new path: treat both paths on their own.
            self.removed(old, Some(ours));
            self.added(new, theirs, ours_new);
            return;
        }
        let merged = if self.untouched(old, &ours) {
            Merged::Clean(theirs.clone())
        } else {
            merge::three_way(&self.base[old], &ours, theirs, self.inputs.labels)
        };
        let (contents, conflict_hunks) = match merged {
            Merged::Clean(bytes) => (bytes, 0),
            Merged::Conflicted { text, hunks } => (text, hunks),
            Merged::Binary => (ours, 1),
        };
        self.push(old, Action::Delete, None);
        self.push(
            new,
            Action::Rename {
                from: old.to_owned(),
                conflict_hunks,
            },
            Some(contents),
        );
    }

    fn merge(&mut self, path: &str, old: Option<&[u8]>, ours: &[u8], new: &[u8]) {
        let labels = self.inputs.labels;
        let merged = match (old, self.inputs.base.is_some()) {
            (Some(old), true) => merge::three_way(old, ours, new, labels),
            _ => merge::two_way(ours, new, labels),
        };
        match merged {
            Merged::Clean(bytes) => self.push(path, Action::Merge, Some(bytes)),
            Merged::Binary => self.push(path, Action::BinaryConflict, None),
            Merged::Conflicted { text, hunks } => match self.inputs.on_conflict {
                OnConflict::Reject => {
                    self.push(path, Action::Conflict { hunks }, None);
                    let rejected = merge::rejected_change(path, old.unwrap_or(b""), new, labels);
                    self.push(&format!("{path}.rej"), Action::Reject, Some(rejected));
                }
                OnConflict::Inline | OnConflict::Fail => {
                    self.push(path, Action::Conflict { hunks }, Some(text))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests;
