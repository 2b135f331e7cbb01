//! Signals that arrive while work must either finish or roll back.
//!
//! Outside a [`Guard`] SIGINT, SIGTERM and SIGHUP keep their default action: nothing is in
//! flight, so dying at once loses nothing. While a guard lives they are only recorded, and
//! the guarded work polls [`check`] between steps, undoes what it started, and returns an
//! [`Interrupted`] error that maps to the conventional exit code (128 + the signal number).

use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The signal number received while a guard was active; 0 when none was.
static RECEIVED: LazyLock<Arc<AtomicUsize>> = LazyLock::new(|| Arc::new(AtomicUsize::new(0)));

/// The work was stopped by a signal; whatever it had started was undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted by {}", signal_name(*signal))]
pub struct Interrupted {
    pub signal: i32,
}

impl Interrupted {
    /// 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, as shells report them.
    pub fn exit_code(self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(1)
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        1 => "SIGHUP",
        2 => "SIGINT (Ctrl-C)",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

/// Records SIGINT, SIGTERM and SIGHUP instead of dying while it lives.
#[must_use = "signals are caught only while the guard lives"]
pub struct Guard {
    #[cfg(unix)]
    ids: Vec<signal_hook::SigId>,
}

impl Guard {
    /// Starts catching the signals; dropping the guard restores their default action.
    pub fn new() -> std::io::Result<Guard> {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let mut ids = Vec::new();
            for signal in [SIGINT, SIGTERM, SIGHUP] {
                let value = usize::try_from(signal).unwrap_or(0);
                ids.push(signal_hook::flag::register_usize(
                    signal,
                    Arc::clone(&RECEIVED),
                    value,
                )?);
            }
            Ok(Guard { ids })
        }
        #[cfg(not(unix))]
        {
            Ok(Guard {})
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        #[cfg(unix)]
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// The signal received while a guard was active, if any.
pub fn received() -> Option<Interrupted> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(Interrupted {
            signal: i32::try_from(signal).unwrap_or(2),
        }),
    }
}

/// Fails with [`Interrupted`] once a signal has been received, so guarded work stops between
/// two steps and rolls back.
pub fn check() -> Result<(), Interrupted> {
    match received() {
        Some(interrupted) => Err(interrupted),
        None => Ok(()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_signal_under_a_guard_is_recorded_not_fatal() {
        let guard = Guard::new().unwrap();
        assert_eq!(check(), Ok(()));
        signal_hook::low_level::raise(signal_hook::consts::SIGHUP).unwrap();
        let err = check().unwrap_err();
        assert_eq!(err.signal, signal_hook::consts::SIGHUP);
        assert_eq!(err.exit_code(), 129);
        assert_eq!(err.to_string(), "interrupted by SIGHUP");
        drop(guard);
        RECEIVED.store(0, Ordering::SeqCst);
    }
}
