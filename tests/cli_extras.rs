//! The first-hour commands: completions, man, doctor, and the global flags.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rexpect::session::{Options, spawn_with_options};
use serde_json::Value;

use crate::support::{BIN, Sandbox, check_streams, go_env, require_tool};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

/// PATH with scaffold's directory first, then `dirs`.
fn path_with_scaffold(dirs: &[PathBuf]) -> std::ffi::OsString {
    let bin_dir = Path::new(BIN).parent().unwrap().to_path_buf();
    std::env::join_paths(std::iter::once(bin_dir).chain(dirs.iter().cloned())).unwrap()
}

fn dir_of(tool: &Path) -> PathBuf {
    tool.parent().unwrap().to_path_buf()
}

#[test]
fn completion_scripts_for_every_shell() {
    let sandbox = Sandbox::new();
    for shell in SHELLS {
        let run = sandbox.run(&["completions", shell]).success();
        assert!(run.stdout.len() > 100, "{shell}: {}", run.stdout);
        // Every script calls back into scaffold, so completions follow the installed binary.
        assert!(run.stdout.contains("COMPLETE"), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("scaffold"), "{shell}: {}", run.stdout);
    }
    sandbox
        .run(&["completions", "tcsh"])
        .fails_with_clap_usage("tcsh");
}

trait ClapUsage {
    fn fails_with_clap_usage(self, needle: &str);
}

impl ClapUsage for crate::support::Run {
    #[track_caller]
    fn fails_with_clap_usage(self, needle: &str) {
        assert_eq!(self.code, 2, "{}", self.stderr);
        assert!(self.stderr.contains(needle), "{}", self.stderr);
    }
}

/// A real bash, through a pseudo-terminal: `scaffold new <TAB><TAB>` lists the packs.
#[test]
fn bash_completes_pack_names_on_tab() {
    let bash = require_tool("bash");
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command(&bash);
    cmd.args(["--norc", "--noprofile", "-i"])
        .env("PATH", path_with_scaffold(&[dir_of(&bash)]))
        .env("PS1", "READY> ")
        .env("TERM", "dumb");
    let mut session = spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(20_000))
            .strip_ansi_escape_codes(false),
    )
    .unwrap();
    session.exp_string("READY> ").unwrap();
    // rexpect turns the terminal's echo off, which makes readline stop redrawing the line;
    // a user's terminal echoes. And no "--More--" pager between the candidates and the prompt.
    session
        .send_line(
            "stty echo; bind 'set page-completions off'; source <(scaffold completions bash)",
        )
        .unwrap();
    session.exp_string("READY> ").unwrap();
    session.send("scaffold new \t\t").unwrap();
    session.flush().unwrap();
    // bash lays the candidates out in columns, so the packs come in order on the left.
    let listing = session.exp_string("rest-api").unwrap();
    for pack in ["bot", "healthcheck"] {
        assert!(listing.contains(pack), "{pack} missing from {listing:?}");
    }
    // Then the line is redrawn; a unique prefix completes in place, on a fresh line.
    session.exp_string("READY> scaffold new ").unwrap();
    session.send("hea\t").unwrap();
    session.flush().unwrap();
    session.exp_string("healthcheck ").unwrap();
    session.send("\x15exit\r").unwrap();
}

/// What the shell scripts ask scaffold for, without a shell: the completion protocol.
fn complete(sandbox: &Sandbox, words: &[&str]) -> Vec<String> {
    let index = (words.len() - 1).to_string();
    let mut cmd = sandbox.command(BIN);
    cmd.env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", &index)
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .arg("--")
        .args(words);
    let (stdout, _) = check_streams("completion", &mut cmd);
    stdout.lines().map(str::to_owned).collect()
}

#[test]
fn dynamic_completion_of_components_and_set_keys() {
    let sandbox = Sandbox::new();
    let components = complete(&sandbox, &["scaffold", "add", ""]);
    // The values come first, then the flags.
    assert_eq!(
        components[..4],
        ["docker", "github-actions", "helm", "license"]
    );
    assert!(
        components[4..].iter().all(|c| c.starts_with('-')),
        "{components:?}"
    );
    // `--set` keys are those of the pack on the command line.
    let rest = complete(&sandbox, &["scaffold", "new", "rest-api", "x", "--set", ""]);
    assert!(rest.contains(&"resource=".to_owned()), "{rest:?}");
    assert!(rest.contains(&"year=".to_owned()), "{rest:?}");
    assert!(!rest.contains(&"platform=".to_owned()), "{rest:?}");
    let bot = complete(&sandbox, &["scaffold", "new", "bot", "x", "--set", "pl"]);
    assert_eq!(bot, ["platform="]);
    // Then the variable's choices.
    let choices = complete(
        &sandbox,
        &["scaffold", "new", "bot", "x", "--set", "platform="],
    );
    assert_eq!(choices, ["platform=telegram", "platform=discord"]);
    let with = complete(
        &sandbox,
        &["scaffold", "new", "bot", "x", "--with", "docker,h"],
    );
    assert_eq!(with, ["docker,helm"]);
}

#[test]
fn man_page_renders_without_warnings() {
    let groff = require_tool("groff");
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["man"]).success();
    assert!(run.stdout.starts_with(".ie") || run.stdout.contains(".TH scaffold"));
    fs::write(sandbox.path("scaffold.1"), &run.stdout).unwrap();
    sandbox.run(&["man", "--dir", "man1"]).success();
    let mut pages: Vec<String> = fs::read_dir(sandbox.path("man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    // scaffold.1, and one page per subcommand clap knows.
    use clap::CommandFactory;
    let mut expected: Vec<String> = scaffold::cli::Cli::command()
        .get_subcommands()
        .map(|sub| format!("scaffold-{}.1", sub.get_name()))
        .chain(["scaffold.1".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(pages, expected);
    for page in ["scaffold-new.1", "scaffold-doctor.1", "scaffold-man.1"] {
        assert!(pages.iter().any(|p| p == page), "{page} missing");
    }
    // grotty emboldens by overstriking: the struck-over characters are dropped.
    let overstrike = regex::Regex::new("(?s).\x08").unwrap();
    for page in
        std::iter::once("scaffold.1".to_owned()).chain(pages.iter().map(|p| format!("man1/{p}")))
    {
        let mut cmd = sandbox.command(&groff);
        // -k: through preconv, as man(1) does, for the non-ASCII characters in the help.
        cmd.args(["-k", "-man", "-Tutf8", "-ww"])
            .arg(sandbox.path(&page));
        let (text, warnings) = check_streams(&page, &mut cmd);
        assert_eq!(warnings, "", "groff warned about {page}");
        let plain = overstrike.replace_all(&text, "");
        assert!(plain.contains("SYNOPSIS"), "{page}: {plain}");
    }
    let new_page = fs::read_to_string(sandbox.path("man1/scaffold-new.1")).unwrap();
    assert!(new_page.contains("answers"), "{new_page}");
}

#[test]
fn doctor_without_go_on_path_reports_it_missing() {
    let sandbox = Sandbox::new();
    let empty = sandbox.path("empty-bin");
    fs::create_dir_all(&empty).unwrap();
    let output = sandbox
        .command(BIN)
        .arg("doctor")
        .env("PATH", &empty)
        .output()
        .unwrap();
    let run = crate::support::Run::from(output);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let go_line = run.stdout.lines().find(|l| l.contains(" go ")).unwrap();
    assert!(go_line.starts_with("missing"), "{}", run.stdout);
    assert!(go_line.contains("https://go.dev/dl/"), "{go_line}");
    assert!(run.stdout.contains("not ready"), "{}", run.stdout);

    let output = sandbox
        .command(BIN)
        .args(["doctor", "--json"])
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ready"], false);
    let go = &report["checks"][0];
    assert_eq!(
        (go["name"].as_str(), go["status"].as_str()),
        (Some("go"), Some("missing"))
    );
    assert_eq!(go["required"], true);
}

#[test]
fn doctor_with_go_and_git_reports_ready() {
    let go = require_tool("go");
    let git = require_tool("git");
    let sandbox = Sandbox::new().with_git_identity();
    let mut cmd = sandbox.command(BIN);
    go_env(&mut cmd).args(["doctor", "--json"]).env(
        "PATH",
        std::env::join_paths([dir_of(&go), dir_of(&git)]).unwrap(),
    );
    let (stdout, _) = check_streams("scaffold doctor --json", &mut cmd);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ready"], true, "{stdout}");
    let check = |name: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(check("go")["status"], "ok");
    assert!(check("go")["detail"].as_str().unwrap().starts_with("go1."));
    assert_eq!(check("git")["status"], "ok");
    assert_eq!(
        check("git identity")["detail"],
        "Ada Lovelace <ada@example.com>"
    );

    // The plain report: one line per check, and `-q` leaves only the exit status.
    let mut cmd = sandbox.command(BIN);
    go_env(&mut cmd).arg("doctor").env(
        "PATH",
        std::env::join_paths([dir_of(&go), dir_of(&git)]).unwrap(),
    );
    let (stdout, _) = check_streams("scaffold doctor", &mut cmd);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("ok") && l.contains("go1.")),
        "{stdout}"
    );
    assert!(stdout.contains("ready: "), "{stdout}");
    let mut cmd = sandbox.command(BIN);
    go_env(&mut cmd).args(["doctor", "-q"]).env(
        "PATH",
        std::env::join_paths([dir_of(&go), dir_of(&git)]).unwrap(),
    );
    let (stdout, stderr) = check_streams("scaffold doctor -q", &mut cmd);
    assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""));
}

/// Runs scaffold in a pseudo-terminal (where colour is on by default) and returns all it printed.
fn on_terminal(sandbox: &Sandbox, args: &[&str], no_color: bool) -> String {
    let mut cmd = sandbox.command(BIN);
    cmd.args(args).env("TERM", "xterm-256color");
    if !no_color {
        cmd.env_remove("NO_COLOR");
    }
    let mut session = spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(20_000))
            .strip_ansi_escape_codes(false),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    session.exp_eof().unwrap()
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let sandbox = Sandbox::new();
    let args = ["new", "no-such-pack", "x"];
    // On a terminal colour is on by default, so the checks below can fail.
    assert!(on_terminal(&sandbox, &args, false).contains('\x1b'));
    assert!(
        !on_terminal(&sandbox, &args, true).contains('\x1b'),
        "NO_COLOR"
    );
    let never = on_terminal(
        &sandbox,
        &["--color", "never", "new", "no-such-pack", "x"],
        false,
    );
    assert!(!never.contains('\x1b'), "{never:?}");
    assert!(never.contains("scaffold: error: unknown pack"), "{never:?}");
    // `--color` is global: accepted after the subcommand too, and `always` colours a pipe.
    let mut cmd = sandbox.command(BIN);
    cmd.args(["new", "no-such-pack", "x", "--color=always"]);
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("\x1b[1;31merror:\x1b[0m"));
    let run = sandbox.run(&["list", "--color", "never"]).success();
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn verbose_prints_each_git_and_go_command() {
    let go = require_tool("go");
    let git = require_tool("git");
    let sandbox = Sandbox::new().with_git_identity();
    let path = std::env::join_paths([dir_of(&go), dir_of(&git)]).unwrap();
    let run = sandbox
        .run(&["-v", "new", "healthcheck", "pinger", "--defaults", "--git"])
        .success();
    for needle in [
        "+ git config --get-regexp",
        "+ (cd ",
        "git init --quiet --initial-branch=main",
        "git commit --quiet",
    ] {
        assert!(
            run.stderr.contains(needle),
            "missing {needle:?} in\n{}",
            run.stderr
        );
    }
    // Without -v, none of it.
    let quiet = sandbox
        .run(&["new", "healthcheck", "other", "--defaults", "--git"])
        .success();
    assert!(!quiet.stderr.contains("+ git"), "{}", quiet.stderr);

    let mut cmd = sandbox.command(BIN);
    go_env(&mut cmd)
        .args([
            "build",
            "pinger",
            "--targets",
            "linux/amd64",
            "--verbose",
            "-q",
        ])
        .env("PATH", &path);
    let (stdout, stderr) = check_streams("scaffold build --verbose", &mut cmd);
    assert_eq!(stdout, "");
    assert!(stderr.contains("+ (cd "), "{stderr}");
    assert!(stderr.contains("go env GOVERSION GOROOT"), "{stderr}");
    assert!(
        stderr.contains("CGO_ENABLED=0 GOARCH=amd64 GOOS=linux GOTMPDIR=")
            && stderr.contains(" go build -trimpath"),
        "{stderr}"
    );
}

#[test]
fn quiet_and_version_flags_on_every_subcommand() {
    let sandbox = Sandbox::new();
    let version = env!("CARGO_PKG_VERSION");
    for sub in [
        "new",
        "add",
        "build",
        "bundle",
        "list",
        "doctor",
        "completions",
        "man",
    ] {
        let run = sandbox.run(&[sub, "-V"]).success();
        assert!(run.stdout.contains(version), "{sub} -V: {}", run.stdout);
        let help = sandbox.run(&[sub, "--help"]).success();
        for flag in ["-q, --quiet", "-v, --verbose", "--color <WHEN>"] {
            assert!(
                help.stdout.contains(flag),
                "{sub} lacks {flag}:\n{}",
                help.stdout
            );
        }
    }
    // On build and bundle, --version is still the version to stamp.
    let build = sandbox.run(&["build", "--help"]).success();
    assert!(
        build.stdout.contains("--version <VERSION>"),
        "{}",
        build.stdout
    );

    // -q before or after the subcommand.
    for args in [
        ["-q", "new", "healthcheck", "a", "--defaults"],
        ["new", "healthcheck", "b", "--defaults", "-q"],
    ] {
        let run = sandbox.run(&args).success();
        assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    }
    let names = sandbox.run(&["list", "-q"]).success();
    assert_eq!(
        names.stdout,
        "bot\nhealthcheck\nrest-api\ndocker\ngithub-actions\nhelm\nlicense\n"
    );
}

#[test]
fn list_shows_defaults_as_they_will_be_filled_in() {
    let sandbox = Sandbox::new().with_git_identity();
    let run = sandbox.run(&["list"]).success();
    assert!(!run.stdout.contains("{{"), "{}", run.stdout);
    assert!(
        run.stdout.contains("(default: Ada Lovelace)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("(default: github.com/ada-lovelace/<project_name>)"),
        "{}",
        run.stdout
    );
    let anonymous = Sandbox::new().run(&["list"]).success();
    assert!(
        anonymous.stdout.contains("(default: Your Name)"),
        "{}",
        anonymous.stdout
    );

    let json = sandbox.run(&["list", "--json"]).success();
    let listing: Value = serde_json::from_str(&json.stdout).unwrap();
    let author = listing["packs"][0]["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "author")
        .unwrap();
    assert_eq!(author["resolved_default"], "Ada Lovelace");
    assert!(
        author["default"]
            .as_str()
            .unwrap()
            .contains("git_user_name")
    );
}

/// From a fresh clone without scaffold installed, examples/ci.sh builds it with cargo and
/// runs the binary from the target directory. (A stand-in `cargo` records the call and the
/// target directory holds the binary under test, so no release build runs here.)
#[test]
fn the_ci_script_builds_scaffold_when_it_is_not_on_path() {
    let git = require_tool("git");
    let sandbox = Sandbox::new();
    let fake_bin = sandbox.path("fake-bin");
    let target = sandbox.path("target");
    fs::create_dir_all(&fake_bin).unwrap();
    fs::create_dir_all(target.join("release")).unwrap();
    fs::copy(BIN, target.join("release/scaffold")).unwrap();
    let log = sandbox.path("cargo.log");
    let cargo = fake_bin.join("cargo");
    fs::write(
        &cargo,
        format!("#!/bin/sh\necho \"$@\" > '{}'\n", log.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&cargo, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Only the stand-in cargo, git and the basic utilities: no scaffold anywhere on PATH.
    let path = std::env::join_paths([
        fake_bin,
        dir_of(&git),
        PathBuf::from("/usr/bin"),
        PathBuf::from("/bin"),
    ])
    .unwrap();
    let mut cmd = sandbox.command("bash");
    cmd.arg(root.join("examples/ci.sh"))
        .args(["healthcheck"])
        .arg(root.join("examples/healthcheck.yaml"))
        .arg("probe")
        .env("PATH", path)
        .env("CARGO_TARGET_DIR", &target)
        .env("GIT_AUTHOR_NAME", "CI")
        .env("GIT_AUTHOR_EMAIL", "ci@example.com")
        .env("GIT_COMMITTER_NAME", "CI")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com");
    let (stdout, stderr) = check_streams("examples/ci.sh", &mut cmd);
    assert!(
        stderr.contains("building it with cargo build --release"),
        "{stderr}"
    );
    let called = fs::read_to_string(&log).unwrap();
    assert_eq!(
        called.trim(),
        format!(
            "build --release --locked --quiet --manifest-path {}/Cargo.toml",
            root.display()
        )
    );
    let files = crate::support::read_tree(&sandbox.path("probe"))
        .into_iter()
        .filter(|(p, _, _)| !p.starts_with(".git/"))
        .count();
    assert_eq!(stdout.trim(), format!("generated {files} files into probe"));
}
