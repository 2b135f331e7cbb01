//! Faults injected into `scaffold new` and `scaffold new --force`: SIGKILL, SIGINT and
//! SIGTERM at random moments, write failures in the middle of a commit, an interrupted
//! commit found by the next run. Every outcome must be the complete old tree or the
//! complete new one, and nothing scaffold staged may survive the next run.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::support::{BIN, Run, Sandbox, read_tree, require_tool};

type Tree = Vec<(String, Vec<u8>, bool)>;

const ITERATIONS: usize = 30;
/// How often the tests look for a staging directory: often enough to catch a write phase,
/// seldom enough not to slow it down.
const POLL: Duration = Duration::from_micros(200);
const SIGNALS: [(Signal, &str); 3] = [
    (Signal::KILL, "SIGKILL"),
    (Signal::INT, "SIGINT"),
    (Signal::TERM, "SIGTERM"),
];

/// splitmix64: a seeded, reproducible sequence of kill moments.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % bound.max(1)
    }
}

/// The tree under `root` without scaffold's staging directories.
fn project_tree(root: &Path) -> Tree {
    read_tree(root)
        .into_iter()
        .filter(|(path, _, _)| !path.starts_with(".scaffold-"))
        .collect()
}

fn staging_dirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".scaffold-"))
        .collect()
}

/// How a signalled run ended.
#[derive(Debug)]
enum Ended {
    Exited(i32, String),
    Killed,
}

/// When to send the signal: a time after the start, or a time after a staging directory
/// appears in `dir` (while files are written), or a time after its journal appears.
enum Moment<'a> {
    FromStart(Duration),
    InWriting(&'a Path, Duration),
    /// After the commit journal appears: files are being moved into the project.
    InCommit(&'a Path, Duration),
}

/// True once a staging directory in `dir` holds a commit journal.
fn committing(dir: &Path) -> bool {
    staging_dirs(dir)
        .iter()
        .any(|name| dir.join(name).join("journal").exists())
}

/// Cycles through a moment anywhere in a run, one inside its write phase and, for a
/// commit into an existing directory (`commits`), one inside the commit itself.
fn kill_moment<'a>(
    rng: &mut Rng,
    i: usize,
    timing: &Timing,
    staged_in: &'a Path,
    commits: bool,
) -> Moment<'a> {
    let random = |rng: &mut Rng, span: Duration| {
        Duration::from_micros(rng.below(u64::try_from(span.as_micros()).unwrap() * 6 / 5))
    };
    match i % if commits { 3 } else { 2 } {
        0 => Moment::FromStart(random(rng, timing.run)),
        1 => Moment::InWriting(staged_in, random(rng, timing.writing)),
        _ => Moment::InCommit(staged_in, random(rng, Duration::from_millis(3))),
    }
}

/// How long an uninterrupted run takes, and how long its staging directory exists.
struct Timing {
    run: Duration,
    writing: Duration,
}

/// Starts scaffold, sends `signal` at `moment`, and waits for it.
fn run_and_signal(sandbox: &Sandbox, args: &[&str], moment: &Moment, signal: Signal) -> Ended {
    let mut child = sandbox
        .command(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match moment {
        Moment::FromStart(delay) => std::thread::sleep(*delay),
        Moment::InWriting(dir, delay) => {
            while staging_dirs(dir).is_empty() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(POLL);
            }
            std::thread::sleep(*delay);
        }
        Moment::InCommit(dir, delay) => {
            while !committing(dir) && child.try_wait().unwrap().is_none() {
                std::thread::sleep(POLL);
            }
            std::thread::sleep(*delay);
        }
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap()).unwrap();
    // It may have finished already; then the signal finds no process, which is fine.
    let _ = kill_process(pid, signal);
    // A run that outlives its signal by a minute is hung: that is a failure, not a wait.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("scaffold {args:?} still runs a minute after its signal");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    match status.code() {
        Some(code) => Ended::Exited(code, stderr),
        None => Ended::Killed,
    }
}

/// Runs scaffold uninterrupted, timing the run and its write phase (while a staging
/// directory exists in `staged_in`).
fn timed_run(sandbox: &Sandbox, args: &[&str], staged_in: &Path) -> Timing {
    let start = Instant::now();
    let mut child = sandbox
        .command(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (mut appeared, mut gone) = (None, None);
    while child.try_wait().unwrap().is_none() {
        std::thread::sleep(POLL);
        let staged = !staging_dirs(staged_in).is_empty();
        if staged && appeared.is_none() {
            appeared = Some(start.elapsed());
        }
        if !staged && appeared.is_some() && gone.is_none() {
            gone = Some(start.elapsed());
        }
    }
    assert!(child.wait().unwrap().success());
    let run = start.elapsed();
    let appeared = appeared.unwrap_or(run);
    Timing {
        run,
        writing: gone
            .unwrap_or(run)
            .saturating_sub(appeared)
            .max(Duration::from_millis(1)),
    }
}

/// Tallies outcomes by kind for the summary printed at the end.
#[derive(Default)]
struct Tally(BTreeMap<String, usize>);

impl Tally {
    fn add(&mut self, kind: impl Into<String>) {
        *self.0.entry(kind.into()).or_default() += 1;
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        write!(f, "{}", parts.join(", "))
    }
}

/// What an exit code says the run did, checked against the tree it left.
fn check_exit(ended: &Ended, signal: &str, tree_is_old: bool, tally: &mut Tally) {
    match ended {
        Ended::Killed => tally.add(format!("{signal} killed the process")),
        Ended::Exited(0, _) => {
            assert!(!tree_is_old, "{signal}: exit 0 but the old tree is there");
            tally.add(format!("{signal} exit 0"));
        }
        Ended::Exited(code @ (130 | 143), stderr) => {
            assert!(tree_is_old, "{signal}: exit {code} but the tree changed");
            // Notes about what earlier runs left may come first; the error is one line.
            let last = stderr.lines().last().unwrap_or_default();
            assert!(
                last.starts_with("scaffold: error: ")
                    && (last.contains("nothing was changed")
                        || last.contains("nothing was written"))
                    && last.contains("interrupted by SIG"),
                "{stderr}"
            );
            tally.add(format!("{signal} rolled back (exit {code})"));
        }
        Ended::Exited(code, stderr) => panic!("{signal}: unexpected exit {code}: {stderr}"),
    }
}

/// Runs `each(signal, name, seed)` for the three signals at once, each in its own sandbox
/// (most of a loop is waiting for a kill moment), and merges what they counted.
fn for_each_signal(
    each: impl Fn(Signal, &'static str, u64) -> (Tally, usize, usize) + Sync,
) -> (Tally, usize, usize) {
    let results: Vec<(Tally, usize, usize)> = std::thread::scope(|scope| {
        let each = &each;
        let handles: Vec<_> = SIGNALS
            .into_iter()
            .zip(1u64..)
            .map(|((signal, name), seed)| scope.spawn(move || each(signal, name, seed)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut total = (Tally::default(), 0, 0);
    for (tally, a, b) in results {
        for (kind, count) in tally.0 {
            *total.0.0.entry(kind).or_default() += count;
        }
        total.1 += a;
        total.2 += b;
    }
    total
}

#[test]
fn signals_during_new_leave_nothing_or_the_whole_project() {
    let args = [
        "new",
        "healthcheck",
        "pinger",
        "--defaults",
        "--set",
        "year=2030",
    ];
    let reference = Sandbox::new();
    let timing = timed_run(&reference, &args, &reference.work());
    let new_tree = project_tree(&reference.path("pinger"));
    let start = Instant::now();
    let (tally, leftovers, _) = for_each_signal(|signal, name, seed| {
        let sandbox = Sandbox::new();
        let (work, dest) = (sandbox.work(), sandbox.path("pinger"));
        let mut rng = Rng(0x5eed_0100 + seed);
        let mut tally = Tally::default();
        let mut leftovers = 0;
        for i in 0..ITERATIONS {
            let moment = kill_moment(&mut rng, i, &timing, &work, false);
            let ended = run_and_signal(&sandbox, &args, &moment, signal);
            let is_old = !dest.exists();
            if is_old {
                tally.add("no project (old)");
            } else {
                assert_eq!(project_tree(&dest), new_tree, "{name}: a partial project");
                tally.add("complete project (new)");
            }
            check_exit(&ended, name, is_old, &mut tally);
            leftovers += staging_dirs(&work).len();
            // The next run clears whatever this one left.
            if dest.exists() {
                fs::remove_dir_all(&dest).unwrap();
            }
            sandbox.run(&args).success();
            assert_eq!(staging_dirs(&work), Vec::<String>::new());
            assert_eq!(project_tree(&dest), new_tree);
            fs::remove_dir_all(&dest).unwrap();
        }
        (tally, leftovers, 0)
    });
    eprintln!(
        "fault suite, new (uninterrupted: {:.0?}, staging dir present for {:.0?}): {} \
         signalled runs in {:.1?}; {tally}; staging dirs left by a signalled run: \
         {leftovers}; surviving the next run: 0",
        timing.run,
        timing.writing,
        SIGNALS.len() * ITERATIONS,
        start.elapsed()
    );
}

/// Replaces `dest` with a copy of `from`, modes and times included.
fn copy_tree(from: &Path, dest: &Path) {
    let _ = fs::remove_dir_all(dest);
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(dest)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn signals_during_new_force_leave_the_old_or_the_new_project() {
    let reference = Sandbox::new();
    let base = [
        "new",
        "rest-api",
        "orders",
        "--defaults",
        "--set",
        "year=2030",
    ];
    let old_args = [&base[..], &["-o", "old", "--set", "resource=item"]].concat();
    let force_args = [&base[..], &["--force", "-q", "--set", "resource=order"]].concat();
    reference.run(&old_args).success();
    let old = reference.path("old");
    let old_tree = project_tree(&old);
    let dest = reference.path("orders");
    copy_tree(&old, &dest);
    let mut timing = timed_run(&reference, &force_args, &dest);
    let new_tree = project_tree(&dest);
    // A loaded machine stretches one run; the shorter of two is closer to the truth.
    copy_tree(&old, &dest);
    let second = timed_run(&reference, &force_args, &dest);
    if second.writing < timing.writing {
        timing = second;
    }
    assert_ne!(old_tree, new_tree);
    let start = Instant::now();
    let (tally, leftovers, undone_next) = for_each_signal(|signal, name, seed| {
        let sandbox = Sandbox::new();
        let dest = sandbox.path("orders");
        let mut rng = Rng(0x5eed_0200 + seed);
        let mut tally = Tally::default();
        let (mut leftovers, mut undone_next) = (0, 0);
        for i in 0..ITERATIONS {
            copy_tree(&old, &dest);
            let moment = kill_moment(&mut rng, i, &timing, &dest, true);
            let ended = run_and_signal(&sandbox, &force_args, &moment, signal);
            let left = staging_dirs(&dest).len();
            leftovers += left;
            let tree = project_tree(&dest);
            let immediate = if tree == old_tree {
                "old"
            } else if tree == new_tree {
                "new"
            } else {
                // Only a kill -9 mid-commit can leave files half-moved, and it leaves the
                // journal that lets the next run undo them.
                assert_eq!(signal, Signal::KILL, "{name} left a mixed tree");
                assert_eq!(left, 1, "a mixed tree without its staging directory");
                "mixed until the next run"
            };
            if immediate != "mixed until the next run" {
                check_exit(&ended, name, immediate == "old", &mut tally);
            }
            // The next run in the project (here an `add` that changes nothing) undoes an
            // interrupted commit and removes what the killed run left.
            let next = sandbox
                .run(&["add", "license", "--dir", "orders"])
                .success();
            if left > 0 {
                assert!(
                    next.stderr.contains("left by an interrupted scaffold run"),
                    "{}",
                    next.stderr
                );
            }
            assert_eq!(staging_dirs(&dest), Vec::<String>::new());
            assert_eq!(staging_dirs(&sandbox.work()), Vec::<String>::new());
            let after = project_tree(&dest);
            let outcome = if after == old_tree {
                "old"
            } else if after == new_tree {
                "new"
            } else {
                panic!("{name}: neither the old nor the new project after the next run");
            };
            if immediate == "mixed until the next run" {
                assert_eq!(outcome, "old");
                undone_next += 1;
            }
            tally.add(format!("{name} → {outcome} project"));
        }
        (tally, leftovers, undone_next)
    });
    eprintln!(
        "fault suite, new --force (uninterrupted: {:.0?}, staging dir present for {:.0?}): {} \
         signalled runs in {:.1?}; {tally}; staging dirs left by a signalled run: \
         {leftovers}; half-done commits undone by the next run: {undone_next}; staging dirs \
         surviving the next run: 0",
        timing.run,
        timing.writing,
        SIGNALS.len() * ITERATIONS,
        start.elapsed()
    );
}

/// A commit that a kill cut short, as found on disk: a replaced file, a created one and
/// the journal that says so.
#[test]
fn a_commit_cut_short_is_undone_by_the_next_run() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults"])
        .success();
    let dest = sandbox.path("pinger");
    let before = project_tree(&dest);
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    // No process has this pid (it is above any pid_max).
    let staging = dest.join(".scaffold-00000000-999999999-abcdef");
    fs::create_dir_all(staging.join("old")).unwrap();
    fs::write(
        staging.join("owner"),
        format!(
            "pid: 999999999\nhost: {}\nstarted: 0\nplacement: inside\n",
            host.trim()
        ),
    )
    .unwrap();
    fs::rename(dest.join("README.md"), staging.join("old/README.md")).unwrap();
    fs::write(dest.join("README.md"), "half of a new readme").unwrap();
    fs::write(dest.join("NEW.md"), "a new file").unwrap();
    fs::write(
        staging.join("journal"),
        "{\"step\":\"backup\",\"path\":\"README.md\"}\n{\"step\":\"replace\",\"path\":\"README.md\"}\n\
         {\"step\":\"create\",\"path\":\"NEW.md\"}\n",
    )
    .unwrap();
    let run = sandbox
        .run(&["add", "license", "--dir", "pinger"])
        .success();
    assert!(
        run.stderr
            .contains("left by an interrupted scaffold run (pid 999999999)")
            && run.stderr.contains("undid its 2 unfinished changes"),
        "{}",
        run.stderr
    );
    assert_eq!(project_tree(&dest), before);
    assert_eq!(staging_dirs(&dest), Vec::<String>::new());
}

/// Makes `path` and its ancestors traversable by another user.
fn open_up(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let tmp = std::env::temp_dir();
    for dir in path
        .ancestors()
        .take_while(|p| p.starts_with(&tmp) && *p != tmp)
    {
        let mode = fs::metadata(dir).unwrap().permissions().mode();
        fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o755)).unwrap();
    }
}

/// A permission error in the middle of the commit (a read-only directory whose files must
/// be replaced after others already were): every original comes back byte for byte.
#[test]
fn a_permission_error_mid_force_puts_every_file_back() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let base = [
        "new",
        "rest-api",
        "orders",
        "--defaults",
        "--set",
        "year=2030",
    ];
    sandbox
        .run(&[&base[..], &["--set", "resource=item"]].concat())
        .success();
    let dest = sandbox.path("orders");
    let before = project_tree(&dest);
    // Replaced last in path order, after .scaffold.yaml, README.md and internal/server.
    let store = dest.join("internal/store");
    let root = rustix::process::geteuid().is_root();
    let mut cmd = if root {
        // Root ignores permissions: run as nobody, who owns the project.
        require_tool("setpriv");
        let status = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(&dest)
            .status()
            .unwrap();
        assert!(status.success());
        open_up(&sandbox.path("."));
        open_up(&sandbox.work().parent().unwrap().join("home"));
        let mut cmd = sandbox.command("setpriv");
        cmd.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            BIN,
        ]);
        cmd
    } else {
        sandbox.command(BIN)
    };
    fs::set_permissions(&store, fs::Permissions::from_mode(0o555)).unwrap();
    let output = cmd
        .args(base)
        .args(["--force", "-q", "--set", "resource=order"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::from(output).fails_with(
        1,
        &[
            "nothing was changed in orders",
            "internal/store",
            "Permission denied",
        ],
    );
    fs::set_permissions(&store, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(project_tree(&dest), before, "{}", run.stderr);
    assert_eq!(staging_dirs(&dest), Vec::<String>::new());
}

/// Unmounts the tmpfs when the test ends, however it ends.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Inode exhaustion (a full disk) while `--force` stages its files: nothing changes.
#[test]
fn a_full_disk_during_force_changes_nothing() {
    let sandbox = Sandbox::new();
    let mnt = sandbox.path("mnt");
    fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m,nr_inodes=400", "tmpfs"])
        .arg(&mnt)
        .output()
        .unwrap();
    if !mounted.status.success() {
        eprintln!(
            "skipped: mounting a tmpfs is not permitted here ({}); the permission-error test \
             covers a failing commit",
            String::from_utf8_lossy(&mounted.stderr).trim()
        );
        return;
    }
    let _mount = Mount(mnt.clone());
    let base = [
        "new",
        "rest-api",
        "orders",
        "-o",
        "mnt/orders",
        "--defaults",
        "--set",
        "year=2030",
    ];
    sandbox
        .run(&[&base[..], &["--set", "resource=item"]].concat())
        .success();
    let dest = mnt.join("orders");
    let before = project_tree(&dest);
    // Leave eight free inodes: fewer than the staged files need.
    let mut filler: u32 = 0;
    while fs::write(mnt.join(format!("fill-{filler}")), "").is_ok() {
        filler += 1;
    }
    for i in (filler.saturating_sub(8))..filler {
        fs::remove_file(mnt.join(format!("fill-{i}"))).unwrap();
    }
    let run = sandbox.run(&[&base[..], &["--force", "-q", "--set", "resource=order"]].concat());
    let run = run.fails_with(1, &["nothing was changed in mnt/orders", "No space left"]);
    assert_eq!(project_tree(&dest), before, "{}", run.stderr);
    assert_eq!(staging_dirs(&dest), Vec::<String>::new());
}
