//! Running `go build` in its own process group, so that a signal to scaffold stops it and
//! every compiler and linker it started, and nothing outlives the build.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::interrupt::{self, Interrupted};

/// How often a running child is checked for exit and scaffold for a received signal.
const POLL: Duration = Duration::from_millis(25);
/// How long `go` gets to remove its work directory after SIGINT before the group is killed.
const GRACE: Duration = Duration::from_secs(3);

/// How a child ended.
#[derive(Debug)]
pub enum Ended {
    /// It exited (or was killed by someone else); its stdout and stderr are in the log.
    Exited(ExitStatus),
    /// scaffold received a signal, and the child's whole process group was stopped.
    Stopped(Interrupted),
}

/// Runs `cmd` in a new process group with stdout and stderr going to `log`, until it exits or
/// scaffold receives a signal (see [`interrupt`]); then the group is stopped and waited for.
pub fn run(cmd: &mut Command, log: &Path) -> std::io::Result<Ended> {
    let file = File::create(log)?;
    cmd.stdout(Stdio::from(file.try_clone()?))
        .stderr(Stdio::from(file))
        .stdin(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = crate::verbosity::traced(cmd).spawn()?;
    loop {
        if let Some(interrupted) = interrupt::received() {
            stop(&mut child);
            return Ok(Ended::Stopped(interrupted));
        }
        if let Some(status) = child.try_wait()? {
            return Ok(Ended::Exited(status));
        }
        std::thread::sleep(POLL);
    }
}

/// The text a child wrote to `log`, trimmed.
pub fn read_log(log: &Path) -> Result<String> {
    let bytes = std::fs::read(log).with_context(|| format!("reading {}", log.display()))?;
    Ok(String::from_utf8_lossy(&bytes).trim_end().to_owned())
}

/// SIGINT to the group, as a terminal's Ctrl-C would send (so `go` removes its work
/// directory), then SIGKILL to whatever is left once the leader exits or the grace period
/// ends; returns when the leader is reaped and the group is empty (or after a bound).
#[cfg(unix)]
fn stop(child: &mut Child) {
    use rustix::process::{Pid, Signal, kill_process_group, test_kill_process_group};
    let group = Pid::from_child(child);
    // Errors mean the group is already gone, which is what we want.
    let _ = kill_process_group(group, Signal::INT);
    wait_until(GRACE, || matches!(child.try_wait(), Ok(Some(_)) | Err(_)));
    let _ = kill_process_group(group, Signal::KILL);
    let _ = child.wait();
    // Grandchildren are reparented when the leader dies but keep its group.
    wait_until(GRACE, || test_kill_process_group(group).is_err());
}

#[cfg(not(unix))]
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The signal that killed a child, if one did.
pub fn killed_by(status: &ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal()
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        None
    }
}
