//! The process exit codes scaffold documents, and how errors map onto them.

use std::process::ExitCode;

use crate::error::UsageError;
use crate::interrupt::Interrupted;
use crate::prompt::Cancelled;

/// Every exit code scaffold returns; documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did what was asked.
    Success,
    /// A render, filesystem or git error, or a destination that is in the way.
    Failure,
    /// Invalid arguments or answers: nothing was attempted.
    Usage,
    /// `scaffold check-update`: a newer version of the project's pack exists (2, as
    /// `diff` reports differences with a status of its own).
    UpdateAvailable,
    /// SIGHUP arrived while work was in progress; it was rolled back.
    Hangup,
    /// The user cancelled an interactive prompt, or SIGINT arrived and the work was rolled back.
    Cancelled,
    /// SIGTERM arrived while work was in progress; it was rolled back.
    Terminated,
}

impl ExitStatus {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage | ExitStatus::UpdateAvailable => 2,
            ExitStatus::Hangup => 129,
            ExitStatus::Cancelled => 130,
            ExitStatus::Terminated => 143,
        }
    }

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
        ExitCode::from(status.code())
    }
}
