//! Clearing what interrupted runs left: staging directories of processes that are gone,
//! with any half-done commit undone first.

use std::fs;
use std::path::Path;

use anyhow::{Result, bail};

use super::journal;
use super::staging::{self, Owner, Placement};

/// Removes the staging directories of dead scaffold runs directly in `dir`. With `owned`
/// (the caller holds `dir`'s lock), an interrupted commit into `dir` is undone first;
/// without it, only directories that never touched `dir` itself are removed. Says on
/// stderr what it removed.
pub fn sweep(dir: &Path, owned: bool) -> Result<()> {
    for path in staging::list(dir) {
        let Some(owner) = Owner::of(&path) else {
            continue;
        };
        if !owner.is_dead() {
            continue;
        }
        let mut restored = String::new();
        if owner.placement == Some(Placement::Inside) {
            if !owned {
                continue;
            }
            match journal::undo(dir, &path) {
                None => restored = "; it had finished writing".to_owned(),
                Some(undone) if !undone.failed.is_empty() => bail!(
                    "an interrupted scaffold run (pid {}) left {} half-written and {} cannot be \
                     put back: {}; restore them from {} by hand",
                    owner.pid,
                    dir.display(),
                    if undone.failed.len() == 1 {
                        "this file"
                    } else {
                        "these files"
                    },
                    undone.failed.join(", "),
                    path.display()
                ),
                Some(undone) if undone.reverted > 0 => {
                    restored = format!(
                        "; undid its {} unfinished change{}",
                        undone.reverted,
                        if undone.reverted == 1 { "" } else { "s" }
                    );
                }
                Some(_) => {}
            }
        }
        if fs::remove_dir_all(&path).is_ok() {
            crate::say!(
                "scaffold: removed {}, left by an interrupted scaffold run (pid {}){restored}",
                path.display(),
                owner.pid
            );
        }
    }
    Ok(())
}
