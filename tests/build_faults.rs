//! `scaffold build` under faults: a broken toolchain environment, a killed `go`, a full disk,
//! SIGINT/SIGTERM at random moments, SIGKILL, and two projects sharing one output directory. Whatever happens, every good archive stays,
//! `SHA256SUMS` and `manifest.json` agree with the output directory, and no `go` process or
//! scratch directory outlives the build.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::Digest;

use crate::build::{first_build, json, scaffold, statuses};
use crate::support::{BIN, Run, Sandbox, check_output, go_env, require_tool};

/// A healthcheck project `name` in the sandbox (a git repository if `git`), configured to
/// build for linux/amd64 only.
pub(crate) fn project(sandbox: &Sandbox, name: &str, git: bool) {
    let mut args = vec![
        "new",
        "healthcheck",
        name,
        "--defaults",
        "--set",
        "year=2026",
    ];
    if git {
        args.push("--git");
    }
    sandbox.run(&args).success();
    let record = sandbox.path(&format!("{name}/.scaffold.yaml"));
    let mut text = fs::read_to_string(&record).unwrap();
    text.push_str("build:\n  targets: [linux/amd64]\n");
    fs::write(&record, text).unwrap();
}

/// Runs `sha256sum -c SHA256SUMS` in `dir`; returns the files it checked, sorted.
pub(crate) fn checked_sums(sandbox: &Sandbox, dir: &Path) -> Vec<String> {
    let mut check = sandbox.command(require_tool("sha256sum"));
    check
        .current_dir(dir)
        .args(["-c", "--strict", "SHA256SUMS"]);
    let mut files: Vec<String> = check_output(&mut check)
        .lines()
        .filter_map(|l| l.strip_suffix(": OK"))
        .map(str::to_owned)
        .collect();
    files.sort();
    files
}

/// The visible files of an output directory with the SHA-256 of their contents, sorted.
fn published(dist: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dist)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let digest = sha2::Sha256::digest(fs::read(e.path()).unwrap());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            (name, hex)
        })
        .collect();
    files.sort();
    files
}

/// `sha256sum -c SHA256SUMS` in `dist` passes, and manifest.json lists exactly what
/// SHA256SUMS does; returns how many archives they list.
fn assert_consistent(sandbox: &Sandbox, dist: &Path) -> usize {
    let mut check = sandbox.command(require_tool("sha256sum"));
    check
        .current_dir(dist)
        .args(["-c", "--strict", "SHA256SUMS"]);
    let checked = check_output(&mut check);
    let sums = fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dist.join("manifest.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = Vec::new();
    let mut releases = vec![manifest.clone()];
    releases.extend(
        manifest["other_releases"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    for release in &releases {
        for artifact in release["artifacts"].as_array().unwrap() {
            listed.push(format!(
                "{}  {}",
                artifact["sha256"].as_str().unwrap(),
                artifact["file"].as_str().unwrap()
            ));
        }
    }
    listed.sort_by(|a, b| a[66..].cmp(&b[66..]));
    let in_sums: Vec<String> = sums.lines().map(str::to_owned).collect();
    assert_eq!(listed, in_sums, "manifest.json and SHA256SUMS disagree");
    checked.matches(": OK").count()
}

/// The scratch directories in `dist/.cache`.
fn scratch_dirs(dist: &Path) -> Vec<String> {
    match fs::read_dir(dist.join(".cache")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("build-"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Every process (pid, command line) whose environment carries `SCAFFOLD_FAULT_RUN=token`: the
/// scaffold started with it and every `go`, compiler and linker it started.
fn processes_with(token: &str) -> Vec<(u32, String)> {
    let needle = format!("SCAFFOLD_FAULT_RUN={token}");
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(environ) = fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ
            .split(|b| *b == 0)
            .any(|var| var == needle.as_bytes())
        {
            let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            found.push((pid, cmdline.trim().to_owned()));
        }
    }
    found
}

fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// Starts `scaffold build` in the background, marked with `token`.
fn spawn_build(sandbox: &Sandbox, args: &[&str], token: &str, epoch: u64) -> Child {
    go_env(&mut sandbox.command(BIN))
        .args(args)
        .env("SCAFFOLD_FAULT_RUN", token)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        // Where go would put its work directory if scaffold did not give it one in scratch.
        .env("TMPDIR", sandbox.path("gotmp"))
        .env_remove("GOTMPDIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, signal: rustix::process::Signal) {
    let pid = rustix::process::Pid::from_child(child);
    rustix::process::kill_process(pid, signal).unwrap();
}

fn signal_of(status: &ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

/// A tiny deterministic generator, so a failing run can be replayed from its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

#[test]
fn environment_failures_keep_every_archive_and_say_it_is_not_the_code() {
    require_tool("go");
    let sandbox = Sandbox::new();
    project(&sandbox, "hc", false);
    first_build(&sandbox, &["build", "hc", "--version", "1.0.0"]).success();
    let dist = sandbox.path("hc/dist");
    let before = published(&dist);
    assert_eq!(assert_consistent(&sandbox, &dist), 1);

    // A broken GOFLAGS: go refuses to start.
    let output = go_env(&mut sandbox.command(BIN))
        .args(["build", "hc", "--version", "1.0.0", "--json"])
        .env("GOFLAGS", "-not-a-go-flag")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let summary = json(&run);
    assert_eq!(summary["targets"][0]["status"], "environment-error");
    assert_eq!(summary["targets"][0]["cause"], "environment");
    let last = run.stderr.lines().last().unwrap();
    for needle in [
        "scaffold: error: 1 of 1 targets could not be built because of the build environment, not the sources",
        "GOFLAGS",
        "-not-a-go-flag",
        "every archive already in hc/dist was kept",
    ] {
        assert!(
            last.contains(needle),
            "{needle:?} missing in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("compiler output"), "{}", run.stderr);
    assert_eq!(published(&dist), before, "the output directory changed");
    assert!(scratch_dirs(&dist).is_empty());

    // A `go` killed by a signal (out of memory, say) while building.
    let real_go = require_tool("go");
    let bin = sandbox.path("fake-bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(
        bin.join("go"),
        format!(
            "#!/bin/sh\nif [ \"$1\" = build ]; then kill -9 $$; fi\nexec {} \"$@\"\n",
            real_go.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(bin.join("go"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let output = go_env(&mut sandbox.command(BIN))
        .args(["build", "hc", "--version", "1.0.0", "--force"])
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("go build was killed by signal 9")
            && run.stderr.contains("because of the build environment"),
        "{}",
        run.stderr
    );
    assert_eq!(published(&dist), before, "the output directory changed");

    // A compile error is the code's, and still removes nothing.
    fs::write(
        sandbox.path("hc/cmd/hc/broken.go"),
        "package main\n\nfunc broken( {\n",
    )
    .unwrap();
    let run = scaffold(&sandbox, &["build", "hc", "--version", "1.0.0", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(json(&run)["targets"][0]["status"], "failed");
    assert_eq!(json(&run)["targets"][0]["cause"], "compile");
    assert!(
        run.stderr.lines().last().unwrap().contains(
            "1 of 1 targets failed to build (linux/amd64), see the compiler output above"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(published(&dist), before, "the output directory changed");
    assert_eq!(assert_consistent(&sandbox, &dist), 1);
}

#[test]
fn a_full_disk_on_out_keeps_every_archive() {
    require_tool("go");
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: mounting a small tmpfs as --out needs root");
        return;
    }
    let sandbox = Sandbox::new();
    project(&sandbox, "hc", false);
    let out = sandbox.path("small");
    fs::create_dir_all(&out).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
        .arg(&out)
        .status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skipped: this container may not mount a tmpfs");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(out.clone());

    first_build(
        &sandbox,
        &["build", "hc", "--version", "1.0.0", "--out", "small"],
    )
    .success();
    let before = published(&out);
    // Fill the disk, leaving less than a binary needs.
    let filler = fs::File::create(out.join(".filler")).unwrap();
    let mut writer = std::io::BufWriter::new(filler);
    let chunk = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut writer, &chunk).is_ok() {}
    drop(writer);

    let run = scaffold(
        &sandbox,
        &[
            "build",
            "hc",
            "--version",
            "1.0.0",
            "--out",
            "small",
            "--force",
            "--json",
        ],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    // Depending on what the disk had left, go or scaffold itself runs out of space.
    assert!(
        run.stderr.contains("build environment, not the sources")
            && run
                .stderr
                .to_lowercase()
                .contains("no space left on device"),
        "{}",
        run.stderr
    );
    assert_eq!(published(&out), before, "the output directory changed");
    assert!(scratch_dirs(&out).is_empty(), "{:?}", scratch_dirs(&out));
    fs::remove_file(out.join(".filler")).unwrap();
    assert_eq!(assert_consistent(&sandbox, &out), 1);
}

/// Signals sent per run of the test: half once `go build` is running, half at a random time.
const RUNS: u64 = 6;

#[test]
fn signals_mid_build_leave_a_consistent_out_and_no_processes_or_scratch() {
    require_tool("go");
    let sandbox = Sandbox::new();
    project(&sandbox, "hc", false);
    fs::create_dir_all(sandbox.path("gotmp")).unwrap();
    first_build(&sandbox, &["build", "hc", "--version", "1.0.0"]).success();
    let dist = sandbox.path("hc/dist");
    let args = ["build", "hc", "--version", "1.0.0"];
    let seed = 0x5eed_2026_u64;
    let mut rng = Lcg(seed);
    let (mut stopped, mut finished, mut before_guard) = (0, 0, 0);

    for run in 0..RUNS {
        // Each run dates the archive differently, so a half-published build would show.
        let epoch = 1_767_323_045 + run;
        let token = format!("{seed:x}-{run}");
        let sigterm = run % 4 == 3;
        let mut child = spawn_build(&sandbox, &args, &token, epoch);
        if run % 2 == 0 {
            // Wait until go is compiling, then a little more.
            let compiling = wait_for(Duration::from_secs(60), || {
                processes_with(&token)
                    .iter()
                    .any(|(_, cmdline)| cmdline.contains(" build -trimpath"))
            });
            assert!(compiling, "run {run}: go never started");
            std::thread::sleep(Duration::from_millis(rng.below(400)));
        } else {
            std::thread::sleep(Duration::from_millis(rng.below(2500)));
        }
        let sent = if sigterm {
            rustix::process::Signal::TERM
        } else {
            rustix::process::Signal::INT
        };
        signal(&child, sent);
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();

        match (status.code(), signal_of(&status)) {
            (Some(0), _) => finished += 1,
            (Some(130), _) if !sigterm => stopped += 1,
            (Some(143), _) if sigterm => stopped += 1,
            // Killed before it started building (and before it caught signals).
            (None, Some(2 | 15)) => before_guard += 1,
            other => panic!("run {run}: unexpected exit {other:?}:\n{stderr}"),
        }
        if status.code().is_some_and(|c| c != 0) {
            let last = stderr.lines().last().unwrap_or("");
            assert!(
                last.starts_with("scaffold: error: the build was stopped; hc/dist is as it was")
                    && last.contains("interrupted by SIG"),
                "run {run}: {stderr}"
            );
        }
        // Every go, compile and link process is gone the moment scaffold has exited.
        let left = processes_with(&token);
        let left = if status.code().is_some() {
            left
        } else {
            // Killed before it caught signals: a `go env` it started may still finish.
            wait_for(Duration::from_secs(10), || {
                processes_with(&token).is_empty()
            });
            processes_with(&token)
        };
        assert!(left.is_empty(), "run {run}: processes left: {left:?}");
        assert!(
            scratch_dirs(&dist).is_empty(),
            "run {run}: scratch left: {:?}",
            scratch_dirs(&dist)
        );
        assert_eq!(assert_consistent(&sandbox, &dist), 1, "run {run}");
        let gotmp: Vec<_> = fs::read_dir(sandbox.path("gotmp")).unwrap().collect();
        assert!(gotmp.is_empty(), "run {run}: go left its work directory");
    }
    assert!(
        stopped >= RUNS / 2,
        "only {stopped} runs were stopped mid-build"
    );
    eprintln!(
        "{RUNS} runs: {stopped} stopped, {finished} finished, {before_guard} before building"
    );

    // SIGKILL cannot be caught: the scratch directory stays until the next build.
    let token = format!("{seed:x}-kill");
    let mut child = spawn_build(&sandbox, &args, &token, 1_767_400_000);
    assert!(wait_for(Duration::from_secs(60), || {
        processes_with(&token)
            .iter()
            .any(|(_, cmdline)| cmdline.contains(" build -trimpath"))
    }));
    signal(&child, rustix::process::Signal::KILL);
    child.wait().unwrap();
    // Its orphaned go build finishes on its own.
    assert!(wait_for(Duration::from_secs(120), || processes_with(
        &token
    )
    .is_empty()));
    assert_eq!(scratch_dirs(&dist).len(), 1);
    assert_eq!(assert_consistent(&sandbox, &dist), 1);
    let output = go_env(&mut sandbox.command(BIN))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767400001")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::from(output).success();
    assert!(
        run.stderr
            .contains("Removed 1 scratch directory left in hc/dist/.cache by an interrupted build"),
        "{}",
        run.stderr
    );
    assert!(scratch_dirs(&dist).is_empty());
    assert_eq!(assert_consistent(&sandbox, &dist), 1);
}

#[test]
fn two_projects_sharing_an_out_keep_each_others_checksums() {
    require_tool("go");
    let sandbox = Sandbox::new();
    project(&sandbox, "alpha", false);
    project(&sandbox, "beta", false);
    let shared = sandbox.path("shared");
    let both = [
        "alpha_1.0.0_linux_amd64.tar.gz".to_owned(),
        "beta_2.0.0_linux_amd64.tar.gz".to_owned(),
    ];

    first_build(
        &sandbox,
        &["build", "alpha", "--out", "shared", "--version", "1.0.0"],
    )
    .success();
    scaffold(
        &sandbox,
        &["build", "beta", "--out", "shared", "--version", "2.0.0"],
    )
    .success();
    assert_eq!(checked_sums(&sandbox, &shared), both);
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(shared.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["project"], "beta");
    assert_eq!(manifest["artifacts"][0]["file"], both[1].as_str());
    assert_eq!(manifest["other_releases"][0]["project"], "alpha");
    assert_eq!(manifest["other_releases"][0]["version"], "1.0.0");
    assert_eq!(
        manifest["other_releases"][0]["artifacts"][0]["file"],
        both[0].as_str()
    );

    // The first project again: both stay, and it leads the manifest.
    let again = json(
        &scaffold(
            &sandbox,
            &[
                "build",
                "alpha",
                "--out",
                "shared",
                "--version",
                "1.0.0",
                "--json",
            ],
        )
        .success(),
    );
    assert_eq!(statuses(&again), [("linux/amd64".into(), "cached".into())]);
    assert_eq!(checked_sums(&sandbox, &shared), both);
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(shared.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["project"], "alpha");
    assert_eq!(manifest["other_releases"][0]["project"], "beta");

    // An archive deleted by hand leaves the lists at the next build.
    fs::remove_file(shared.join(&both[1])).unwrap();
    scaffold(
        &sandbox,
        &["build", "alpha", "--out", "shared", "--version", "1.0.0"],
    )
    .success();
    assert_eq!(checked_sums(&sandbox, &shared), both[..1]);
}
