//! Messages on stderr that can never fail a command: when stderr is closed or full
//! (`2>/dev/full`, a closed pipe) the message is lost, never the work already done.

/// Like `eprintln!`, but a failed write is ignored instead of panicking.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr().lock(), $($arg)*);
    }};
}
