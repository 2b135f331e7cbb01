//! Why a target was not built: the sources (a compile error the developer fixes in code) or the
//! environment (no or broken `go`, bad flags, a full disk), which no code change fixes.

use std::sync::LazyLock;

use regex::Regex;

/// What stopped a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The compiler rejected the sources.
    Compile,
    /// The toolchain, its flags or the machine failed: `go` missing or killed, a bad
    /// `GOFLAGS` or ldflags, a full or read-only disk.
    Environment,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Compile => "compile",
            Cause::Environment => "environment",
        }
    }
}

/// A target that was not built, with what to show under its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub cause: Cause,
    pub output: String,
}

impl Failure {
    pub fn environment(output: impl Into<String>) -> Failure {
        Failure {
            cause: Cause::Environment,
            output: output.into(),
        }
    }

    /// A failed `go build` that printed `output`, classified by [`classify`].
    pub fn from_go(output: String) -> Failure {
        Failure {
            cause: classify(&output),
            output,
        }
    }

    /// The first line of the output, for one-line messages.
    pub fn summary(&self) -> &str {
        self.output
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("# "))
            .unwrap_or("")
    }
}

/// Messages that only the machine or the toolchain's configuration produce.
const ENVIRONMENT_MARKERS: &[&str] = &[
    "no space left on device",
    "disk quota exceeded",
    "read-only file system",
    "permission denied",
    "too many open files",
    "cannot allocate memory",
    "go: parsing $GOFLAGS",
    "flag provided but not defined",
    "unknown flag",
    "cannot find GOROOT",
    "signal: killed",
];

/// A position in a Go source file, as every compiler diagnostic starts: `main.go:3:14:`.
static SOURCE_POSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)\.go:\d+(:\d+)?:").expect("the pattern is valid"));

/// Compile errors name a position in a `.go` file; anything else `go build` prints when it
/// fails (flag parsing, a killed compiler, I/O errors) is the environment's.
pub fn classify(output: &str) -> Cause {
    let lower = output.to_lowercase();
    if ENVIRONMENT_MARKERS
        .iter()
        .any(|marker| lower.contains(&marker.to_lowercase()))
    {
        Cause::Environment
    } else if SOURCE_POSITION.is_match(output) {
        Cause::Compile
    } else {
        Cause::Environment
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_errors_name_a_source_position() {
        let syntax = "# example.com/api/cmd/api\n\
                      cmd/api/broken_windows.go:3:13: syntax error: unexpected {";
        assert_eq!(classify(syntax), Cause::Compile);
        let types = "./main.go:7:2: undefined: fmt.Printn";
        assert_eq!(classify(types), Cause::Compile);
    }

    #[test]
    fn flags_signals_and_disks_are_the_environment() {
        for output in [
            "go: parsing $GOFLAGS: unknown flag -badflag",
            "go: parsing $GOFLAGS: non-flag \"x\"",
            "# x\nflag provided but not defined: -Q\nusage: link [options] main.o",
            "go build example.com/x: /usr/lib/go/pkg/tool/linux_amd64/compile: signal: killed",
            "open /out/x: no space left on device",
            "go build exited with signal 9",
            "",
        ] {
            assert_eq!(classify(output), Cause::Environment, "{output}");
        }
        // A full disk while compiling a file still is not the file's fault.
        assert_eq!(
            classify("main.go:1:1: write /tmp/go-build1/b001/_pkg_.a: no space left on device"),
            Cause::Environment
        );
    }

    #[test]
    fn the_summary_skips_package_headers() {
        let failure = Failure::from_go("# x\nflag provided but not defined: -Q\nusage".into());
        assert_eq!(failure.summary(), "flag provided but not defined: -Q");
    }
}
