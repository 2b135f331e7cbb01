//! A hermetic sandbox that runs the real `scaffold` binary and inspects what it wrote.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_scaffold");

/// A temporary working directory with its own HOME, so git config and colours never leak in.
pub struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("scaffold-test-")
            .tempdir()
            .unwrap();
        fs::create_dir_all(root.path().join("home")).unwrap();
        fs::create_dir_all(root.path().join("work")).unwrap();
        Sandbox { root }
    }

    /// Where commands run and projects land.
    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.work().join(relative)
    }

    /// A git identity in the sandbox's HOME, as a configured developer machine has.
    pub fn with_git_identity(self) -> Self {
        fs::write(
            self.root.path().join("home/.gitconfig"),
            "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n",
        )
        .unwrap();
        self
    }

    /// A command for `program` with the sandbox's environment.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        let home = self.root.path().join("home");
        cmd.current_dir(self.work())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env_remove("GIT_AUTHOR_NAME")
            .env_remove("GIT_AUTHOR_EMAIL")
            .env_remove("GIT_COMMITTER_NAME")
            .env_remove("GIT_COMMITTER_EMAIL")
            .env_remove("SOURCE_DATE_EPOCH");
        cmd
    }

    /// Runs scaffold with `args` and no standard input, as CI would.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self
            .command(BIN)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        Run::from(output)
    }

    /// Every file under `relative`, sorted, as (path, contents, executable).
    pub fn files(&self, relative: &str) -> Vec<(String, Vec<u8>, bool)> {
        read_tree(&self.path(relative))
    }

    /// The names directly inside the work directory (to prove nothing else was left).
    pub fn work_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.work())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

pub fn read_tree(root: &Path) -> Vec<(String, Vec<u8>, bool)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        #[cfg(unix)]
        let executable = {
            use std::os::unix::fs::PermissionsExt;
            entry.metadata().unwrap().permissions().mode() & 0o111 != 0
        };
        #[cfg(not(unix))]
        let executable = false;
        files.push((path, fs::read(entry.path()).unwrap(), executable));
    }
    files
}

/// The tree as one text document: a header per file, then its contents.
pub fn tree_snapshot(root: &Path) -> String {
    let mut out = String::new();
    for (path, contents, executable) in read_tree(root) {
        let mode = if executable { " (executable)" } else { "" };
        out.push_str(&format!("=== {path}{mode}\n"));
        out.push_str(&String::from_utf8_lossy(&contents));
        if !contents.ends_with(b"\n") {
            out.push_str("\n[no final newline]\n");
        }
    }
    out
}

/// What one run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts a failure with `code`, a single `scaffold: error:` line containing every needle.
    #[track_caller]
    pub fn fails_with(self, code: i32, needles: &[&str]) -> Self {
        assert_eq!(
            self.code, code,
            "wrong exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one error line, got:\n{}",
            self.stderr
        );
        assert!(lines[0].starts_with("scaffold: error: "), "{}", self.stderr);
        for needle in needles {
            assert!(
                self.stderr.contains(needle),
                "missing {needle:?} in:\n{}",
                self.stderr
            );
        }
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }
}

/// A tool the tests need; its absence fails the test with how to get it, never skips it.
pub fn require_tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` is not on PATH: run the tests with ./scripts/test, which installs it")
        })
}

/// Go's caches live under target/ (or wherever the test command points them), shared by
/// every test and every run, so only the first run pays for compiling the standard library.
pub fn go_env(cmd: &mut Command) -> &mut Command {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/go");
    let cache = std::env::var_os("GOCACHE").map_or_else(|| target.join("cache"), PathBuf::from);
    let gopath = std::env::var_os("GOPATH").map_or_else(|| target.join("path"), PathBuf::from);
    cmd.env("GOCACHE", cache)
        .env("GOPATH", gopath)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOSUMDB", "off")
        // Workspace mode (the batched checks use a go.work) only allows the default -mod.
        .env("GOFLAGS", "")
}

/// Runs a command to completion and fails the test with its output if it does not succeed;
/// returns stdout followed by stderr.
#[track_caller]
pub fn check_output(cmd: &mut Command) -> String {
    let what = format!("{cmd:?}");
    let (stdout, stderr) = check_streams(&what, cmd);
    stdout + &stderr
}

/// Like [`check_output`], naming the command `what` in the failure; returns (stdout, stderr).
#[track_caller]
pub fn check_streams(what: &str, cmd: &mut Command) -> (String, String) {
    let output = cmd
        .output()
        .unwrap_or_else(|err| panic!("running {cmd:?}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    (stdout, stderr)
}
