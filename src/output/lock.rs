//! One scaffold run at a time per project directory.
//!
//! The lock is an advisory lock on the project directory itself, not on a lock file, so
//! nothing is ever left in the project and a killed run's lock goes away with its process.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long a second run waits for the first before giving up.
const WAIT: Duration = Duration::from_secs(5);

/// Held while a run reads and writes a project; released on drop (or when the process dies).
#[derive(Debug)]
pub struct DirLock {
    _handle: File,
}

impl DirLock {
    /// Locks `dir`, waiting up to a few seconds for another scaffold run to finish with it.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let handle =
            File::open(dir).with_context(|| format!("opening {} to lock it", dir.display()))?;
        let start = Instant::now();
        loop {
            match handle.try_lock() {
                Ok(()) => return Ok(DirLock { _handle: handle }),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < WAIT => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::WouldBlock) => bail!(
                    "another scaffold run is still writing to {} after {} seconds; \
                     try again when it has finished",
                    dir.display(),
                    WAIT.as_secs()
                ),
                Err(std::fs::TryLockError::Error(err)) => {
                    return Err(err).with_context(|| format!("locking {}", dir.display()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(tmp.path()).unwrap();
        let path = tmp.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let start = Instant::now();
            DirLock::acquire(&path).unwrap();
            start.elapsed()
        });
        std::thread::sleep(Duration::from_millis(200));
        drop(first);
        let waited = waiter.join().unwrap();
        assert!(waited >= Duration::from_millis(150), "{waited:?}");
    }
}
