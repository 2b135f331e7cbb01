//! The scratch directory of one build, `OUT/.cache/build-PID-XXXXXX/`: binaries, new archives
//! before they are published, and backups of what they replace. It is removed when the build
//! ends however it ends; one left by a killed build is removed by the next build.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

const PREFIX: &str = "build-";
/// Inside each scratch directory: `PID HOST`, so a build on another machine sharing the
/// output directory (NFS) never removes a live build's scratch.
const OWNER_FILE: &str = "owner";
/// A scratch directory named without a pid was left by an older scaffold: removed once it is
/// surely not in use any more.
const UNOWNED_AGE: Duration = Duration::from_secs(600);

/// One build's scratch directory; removed when dropped.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// Creates a scratch directory in `cache_dir`, recording this process as its owner.
    pub fn create(cache_dir: &Path) -> Result<Scratch> {
        fs::create_dir_all(cache_dir)
            .with_context(|| format!("creating {}", cache_dir.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(cache_dir)
            .with_context(|| format!("creating a directory in {}", cache_dir.display()))?;
        let owner = format!("{} {}\n", std::process::id(), host());
        let path = dir.path().join(OWNER_FILE);
        fs::write(&path, owner).with_context(|| format!("writing {}", path.display()))?;
        Ok(Scratch { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A fresh subdirectory, e.g. one per target.
    pub fn subdir(&self, name: &str) -> Result<PathBuf> {
        let path = self.dir.path().join(name);
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(path)
    }
}

/// Removes the scratch directories in `cache_dir` whose build is no longer running on this
/// machine; returns how many it removed.
pub fn remove_stale(cache_dir: &Path) -> Result<usize> {
    let entries = match fs::read_dir(cache_dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(err).with_context(|| format!("reading {}", cache_dir.display())),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", cache_dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(PREFIX) else {
            continue;
        };
        let path = entry.path();
        if !path.is_dir() || !is_stale(&path, rest) {
            continue;
        }
        match fs::remove_dir_all(&path) {
            Ok(()) => removed += 1,
            // Another build removed it first.
            Err(err) if err.kind() == ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err).with_context(|| format!("removing {}", path.display()));
            }
        }
    }
    Ok(removed)
}

/// `rest` is the directory name after `build-`: `PID-XXXXXX`.
fn is_stale(path: &Path, rest: &str) -> bool {
    let owner = fs::read_to_string(path.join(OWNER_FILE)).ok();
    let (pid, owner_host) = match owner.as_deref().and_then(|o| o.trim().split_once(' ')) {
        Some((pid, host)) => (pid.parse::<u32>().ok(), Some(host.to_owned())),
        None => (None, None),
    };
    let pid = pid.or_else(|| rest.split('-').next().and_then(|p| p.parse().ok()));
    match (pid, owner_host) {
        (Some(pid), Some(owner_host)) => owner_host == host() && !alive(pid),
        // Killed between making the directory and writing its owner: the name has the pid.
        (Some(pid), None) => !alive(pid),
        // Left by an older scaffold, which named scratch directories without a pid.
        (None, _) => older_than(path, UNOWNED_AGE),
    }
}

fn older_than(path: &Path, age: Duration) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|elapsed| elapsed > age)
}

/// Whether a process with this id exists (one of another user's counts).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    use rustix::process::{Pid, test_kill_process};
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return false;
    };
    match test_kill_process(pid) {
        Ok(()) => true,
        Err(err) => err != rustix::io::Errno::SRCH,
    }
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

#[cfg(unix)]
fn host() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

#[cfg(not(unix))]
fn host() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scratch_of_dead_builds_is_removed() {
        let cache = tempfile::tempdir().unwrap();
        let live = Scratch::create(cache.path()).unwrap();
        // A process that has exited: its id is free until reused.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = cache.path().join(format!("{PREFIX}{dead}-abcdef"));
        fs::create_dir_all(stale.join("linux_amd64")).unwrap();
        fs::write(stale.join(OWNER_FILE), format!("{dead} {}\n", host())).unwrap();
        let elsewhere = cache.path().join(format!("{PREFIX}{dead}-ghijkl"));
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join(OWNER_FILE), format!("{dead} other-host\n")).unwrap();
        let unowned = cache.path().join(format!("{PREFIX}{dead}-mnopqr"));
        fs::create_dir_all(&unowned).unwrap();
        let old_style = cache.path().join(format!("{PREFIX}stuvwx"));
        fs::create_dir_all(&old_style).unwrap();

        assert_eq!(remove_stale(cache.path()).unwrap(), 2);
        assert!(!stale.exists() && !unowned.exists());
        assert!(live.path().exists() && elsewhere.exists() && old_style.exists());
        let kept = live.path().to_path_buf();
        drop(live);
        assert!(!kept.exists(), "a finished build's scratch is removed");
    }
}
