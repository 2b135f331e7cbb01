//! The hidden staging directory of one run, and the owner marker that tells a later run
//! whether the process that made it is still alive.
//!
//! A staging directory is named `.scaffold-HOST-PID-RANDOM` (a short name whatever the
//! project is called, so a 255-byte project name still fits NAME_MAX) and holds:
//! `owner` (pid, host, start time, placement), `new/` (the staged files), `old/` (the
//! originals of files being replaced or deleted) and `journal` (what the commit has done).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

/// Every staging directory's name starts with this.
pub const PREFIX: &str = ".scaffold-";

/// Where a staging directory sits relative to the directory it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Beside a destination that does not exist yet: `new/` is renamed into place whole,
    /// so the directory can be removed without looking at what it holds.
    Beside,
    /// Inside the destination: files are moved in one by one and the journal says how to
    /// undo them.
    Inside,
}

impl Placement {
    fn as_str(self) -> &'static str {
        match self {
            Placement::Beside => "beside",
            Placement::Inside => "inside",
        }
    }
}

/// A staging directory this process created.
#[derive(Debug)]
pub struct Staging {
    path: PathBuf,
}

impl Staging {
    /// Creates a staging directory in `parent` and writes its owner marker.
    pub fn create(parent: &Path, placement: Placement) -> Result<Staging> {
        let prefix = format!(
            "{PREFIX}{:08x}-{}-",
            host_hash(&host_name()),
            std::process::id()
        );
        let path = tempfile::Builder::new()
            .prefix(&prefix)
            .rand_bytes(6)
            .tempdir_in(parent)
            .with_context(|| format!("creating a staging directory in {}", parent.display()))?
            .keep();
        let staging = Staging { path };
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let marker = format!(
            "pid: {}\nhost: {}\nstarted: {started}\nplacement: {}\n",
            std::process::id(),
            host_name(),
            placement.as_str()
        );
        let owner = staging.path.join("owner");
        if let Err(err) = fs::write(&owner, marker) {
            staging.remove();
            return Err(err).with_context(|| format!("writing {}", owner.display()));
        }
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The staged tree.
    pub fn new_tree(&self) -> PathBuf {
        self.path.join("new")
    }

    /// Where originals are kept until the commit is complete.
    pub fn old_tree(&self) -> PathBuf {
        self.path.join("old")
    }

    pub fn journal(&self) -> PathBuf {
        self.path.join("journal")
    }

    /// Removes the directory and everything in it; best effort, as a later run sweeps it.
    pub fn remove(&self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// What a staging directory's marker (or, without one, its name) says about its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// `None` when only the name's hash of the host is known.
    pub host: Option<String>,
    host_hash: u32,
    pub placement: Option<Placement>,
}

impl Owner {
    /// The owner of the staging directory at `path`, or `None` when it is not one.
    pub fn of(path: &Path) -> Option<Owner> {
        let name = path.file_name()?.to_str()?;
        let mut parts = name.strip_prefix(PREFIX)?.splitn(3, '-');
        let host_hash = u32::from_str_radix(parts.next()?, 16).ok()?;
        let pid = parts.next()?.parse().ok()?;
        parts.next()?;
        let mut owner = Owner {
            pid,
            host: None,
            host_hash,
            placement: None,
        };
        // No marker means the run died right after creating the directory: nothing in it.
        if let Ok(marker) = fs::read_to_string(path.join("owner")) {
            for line in marker.lines() {
                match line.split_once(": ") {
                    Some(("host", host)) => owner.host = Some(host.to_owned()),
                    Some(("placement", "beside")) => owner.placement = Some(Placement::Beside),
                    Some(("placement", "inside")) => owner.placement = Some(Placement::Inside),
                    _ => {}
                }
            }
        }
        Some(owner)
    }

    /// True when the owner ran on this machine and is no longer running. A directory from
    /// another host (a shared network disk) is never touched: its owner may be alive.
    pub fn is_dead(&self) -> bool {
        let here = host_name();
        let same_host = match &self.host {
            Some(host) => *host == here,
            None => self.host_hash == host_hash(&here),
        };
        same_host && self.pid != std::process::id() && !process_alive(self.pid)
    }
}

/// The staging directories directly in `dir`, sorted.
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(PREFIX))
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}

fn host_name() -> String {
    #[cfg(unix)]
    {
        rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned()
    }
    #[cfg(not(unix))]
    {
        std::env::var("COMPUTERNAME").unwrap_or_else(|_| "localhost".into())
    }
}

/// FNV-1a: a stable short tag for the host in the directory name.
fn host_hash(host: &str) -> u32 {
    host.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        // It exists but belongs to someone else.
        Err(err) => err == rustix::io::Errno::PERM,
    }
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    // Without a way to tell, assume alive: leaving a directory is better than breaking a run.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_is_read_from_the_marker_and_the_name() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::create(tmp.path(), Placement::Inside).unwrap();
        let owner = Owner::of(staging.path()).unwrap();
        assert_eq!(owner.pid, std::process::id());
        assert_eq!(owner.host.as_deref(), Some(host_name().as_str()));
        assert_eq!(owner.placement, Some(Placement::Inside));
        assert!(!owner.is_dead(), "this process is alive");
        assert_eq!(list(tmp.path()), [staging.path().to_path_buf()]);

        // A marker-less directory of a dead pid on this host is dead; of another host, not.
        let name = format!(
            "{PREFIX}{:08x}-{}-abcdef",
            host_hash(&host_name()),
            u32::MAX
        );
        let dead = Owner::of(&tmp.path().join(name)).unwrap();
        assert!(dead.is_dead());
        let elsewhere = Owner::of(&tmp.path().join(format!(
            "{PREFIX}{:08x}-{}-abcdef",
            host_hash(&host_name()) ^ 1,
            u32::MAX
        )))
        .unwrap();
        assert!(!elsewhere.is_dead());
        assert_eq!(Owner::of(Path::new(".scaffold-nope")), None);
    }
}
