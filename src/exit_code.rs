//! The process exit codes scaffold documents, and how errors map onto them.

use std::process::ExitCode;

use crate::error::UsageError;
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
    /// The user cancelled an interactive prompt.
    Cancelled = 130,
}

impl ExitStatus {
    /// Picks the exit status for an error by looking through its chain.
    pub fn from_error(err: &anyhow::Error) -> Self {
        if err.chain().any(|cause| cause.is::<Cancelled>()) {
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
