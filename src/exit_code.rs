//! The process exit codes scaffold documents, and how errors map onto them.

use std::process::ExitCode;

use crate::error::UsageError;
use crate::interrupt::Interrupted;
use crate::prompt::Cancelled;

/// Every exit code scaffold returns; documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did what was asked.
    Success = 0,
    /// A render, filesystem or git error, or a destination that is in the way.
    Failure = 1,
    /// Invalid arguments or answers: nothing was attempted.
    Usage = 2,
    /// SIGHUP arrived while work was in progress; it was rolled back.
    Hangup = 129,
    /// The user cancelled an interactive prompt, or SIGINT arrived and the work was rolled back.
    Cancelled = 130,
    /// SIGTERM arrived while work was in progress; it was rolled back.
    Terminated = 143,
}

impl ExitStatus {
    /// Picks the exit status for an error by looking through its chain.
    pub fn from_error(err: &anyhow::Error) -> Self {
        if let Some(interrupted) = err.chain().find_map(|c| c.downcast_ref::<Interrupted>()) {
            match interrupted.exit_code() {
                129 => ExitStatus::Hangup,
                143 => ExitStatus::Terminated,
                _ => ExitStatus::Cancelled,
            }
        } else if err.chain().any(|cause| cause.is::<Cancelled>()) {
            ExitStatus::Cancelled
        } else if err.chain().any(|cause| cause.is::<UsageError>()) {
            ExitStatus::Usage
        } else {
            ExitStatus::Failure
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}
