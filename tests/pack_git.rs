//! Packs from git, through local bare repositories (`file://`), never the network: pinning,
//! the offline cache, `--refresh`, a terminal session with hook consent, and git's errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rexpect::session::{Options, PtySession, spawn_with_options};

use crate::packs::{isolate, scaffold, scaffold_with, state_dir, tiny_pack};
use crate::support::{BIN, Sandbox, check_output, require_tool};

/// A bare repository holding the tiny pack in `packs/tiny`, with `main` and tag v1 pushed.
struct Remote {
    source: PathBuf,
    bare: PathBuf,
}

impl Remote {
    fn new(sandbox: &Sandbox) -> Self {
        require_tool("git");
        let root = state_dir(sandbox);
        let source = root.join("source");
        let bare = root.join("remote.git");
        fs::create_dir_all(&source).unwrap();
        let remote = Remote { source, bare };
        remote.git(sandbox, &root, &["init", "--quiet", "--bare", "remote.git"]);
        remote.git(sandbox, &remote.source, &["init", "--quiet", "-b", "main"]);
        tiny_pack(
            &remote.source.join("packs/tiny"),
            "hooks:\n  - [touch, hooked]\n",
        );
        remote.commit(sandbox, "v1");
        remote
    }

    fn url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    fn git(&self, sandbox: &Sandbox, dir: &Path, args: &[&str]) -> String {
        let mut cmd = sandbox.command("git");
        cmd.current_dir(dir)
            .args([
                "-c",
                "user.name=Pack Author",
                "-c",
                "user.email=author@example.com",
            ])
            .args(args);
        check_output(&mut cmd).trim().to_owned()
    }

    /// Sets the greeting default to `tag`, commits, tags and pushes main and the tag.
    fn commit(&self, sandbox: &Sandbox, tag: &str) {
        let manifest = self.source.join("packs/tiny/pack.yaml");
        let text = fs::read_to_string(&manifest).unwrap();
        let text = text
            .lines()
            .map(|line| {
                if line.contains("name: greeting") {
                    format!(
                        "  - {{name: greeting, type: string, prompt: Greeting, default: hello-{tag}}}"
                    )
                } else {
                    line.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        fs::write(&manifest, text + "\n").unwrap();
        self.git(sandbox, &self.source, &["add", "-A"]);
        self.git(sandbox, &self.source, &["commit", "--quiet", "-m", tag]);
        self.git(sandbox, &self.source, &["tag", tag]);
        let bare = self.bare.display().to_string();
        self.git(
            sandbox,
            &self.source,
            &["push", "--quiet", &bare, "main", tag],
        );
    }

    fn commit_of(&self, sandbox: &Sandbox, tag: &str) -> String {
        self.git(
            sandbox,
            &self.source,
            &["rev-parse", &format!("{tag}^{{commit}}")],
        )
    }
}

fn greeting(sandbox: &Sandbox, project: &str) -> String {
    fs::read_to_string(sandbox.path(project).join("README.md"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned()
}

#[test]
fn a_git_pack_is_pinned_cached_offline_and_refreshed_on_request() {
    let sandbox = Sandbox::new();
    let remote = Remote::new(&sandbox);
    let url = remote.url();
    let v1 = format!("{url}//packs/tiny#v1");
    let run = scaffold(&sandbox, &["new", "--pack", &v1, "p1", "--defaults"]).success();
    assert!(
        run.stderr.contains("Created p1 from pack tiny"),
        "{}",
        run.stderr
    );
    assert_eq!(greeting(&sandbox, "p1"), "hello-v1 from p1");
    let record = fs::read_to_string(sandbox.path("p1/.scaffold.yaml")).unwrap();
    let commit = remote.commit_of(&sandbox, "v1");
    assert_eq!(commit.len(), 40);
    for expected in [
        "source: git".to_owned(),
        format!("url: {url}"),
        "ref: v1".to_owned(),
        format!("commit: {commit}"),
        "subdir: packs/tiny".to_owned(),
        "content_hash".to_owned(),
    ] {
        assert!(record.contains(&expected), "{expected} missing:\n{record}");
    }

    // A branch ref: cached at v1, and reused without fetching after v2 is pushed.
    let main = format!("{url}//packs/tiny#main");
    scaffold(&sandbox, &["new", "--pack", &main, "p2", "--defaults"]).success();
    assert_eq!(greeting(&sandbox, "p2"), "hello-v1 from p2");
    remote.commit(&sandbox, "v2");
    scaffold(&sandbox, &["new", "--pack", &main, "p3", "--defaults"]).success();
    assert_eq!(
        greeting(&sandbox, "p3"),
        "hello-v1 from p3",
        "cached clone reused"
    );
    scaffold(
        &sandbox,
        &["new", "--pack", &main, "p4", "--defaults", "--refresh"],
    )
    .success();
    assert_eq!(greeting(&sandbox, "p4"), "hello-v2 from p4");
    let record = fs::read_to_string(sandbox.path("p4/.scaffold.yaml")).unwrap();
    assert!(
        record.contains(&remote.commit_of(&sandbox, "v2")),
        "{record}"
    );

    // The repository becomes unreachable: cached refs still render, offline.
    fs::rename(&remote.bare, remote.bare.with_extension("gone")).unwrap();
    scaffold(&sandbox, &["new", "--pack", &v1, "p5", "--defaults"]).success();
    assert_eq!(greeting(&sandbox, "p5"), "hello-v1 from p5");
    scaffold(
        &sandbox,
        &[
            "new",
            "--pack",
            &format!("{url}//packs/tiny#v2"),
            "p6",
            "--defaults",
        ],
    )
    .success();
    // A ref the cache lacks needs the network, and says so in one line.
    let v3 = format!("{url}//packs/tiny#v3");
    scaffold(&sandbox, &["new", "--pack", &v3, "p7", "--defaults"])
        .fails_with(2, &["cannot fetch the pack repository", &url]);
    assert!(!sandbox.path("p7").exists());
}

#[test]
fn a_cached_tree_that_changed_at_the_same_commit_is_refused() {
    let sandbox = Sandbox::new();
    let remote = Remote::new(&sandbox);
    let v1 = format!("{}//packs/tiny#v1", remote.url());
    scaffold(&sandbox, &["new", "--pack", &v1, "p1", "--defaults"]).success();
    let commit = remote.commit_of(&sandbox, "v1");
    let trees = state_dir(&sandbox).join("cache/trees");
    let key = fs::read_dir(&trees)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let readme = key.join(&commit).join("packs/tiny/files/README.md");
    fs::write(&readme, "tampered {{project_name}}\n").unwrap();

    let before = fs::read(sandbox.path("p1/README.md")).unwrap();
    let run = scaffold(
        &sandbox,
        &["new", "--pack", &v1, "p1", "--defaults", "--force"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("at commit {commit} has content hash")),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read(sandbox.path("p1/README.md")).unwrap(),
        before,
        "nothing rewritten"
    );
    // --refresh replaces the cached checkout with the commit's real contents.
    scaffold(
        &sandbox,
        &[
            "new",
            "--pack",
            &v1,
            "p1",
            "--defaults",
            "--force",
            "--refresh",
        ],
    )
    .success();
}

#[test]
fn git_packs_install_and_list_their_commit() {
    let sandbox = Sandbox::new();
    let remote = Remote::new(&sandbox);
    let v1 = format!("{}//packs/tiny#v1", remote.url());
    scaffold(&sandbox, &["pack", "install", &v1, "--name", "house"]).success();
    let listing = scaffold(&sandbox, &["pack", "list"]).success().stdout;
    let commit = remote.commit_of(&sandbox, "v1");
    assert!(
        listing.contains(&format!("@ {}", &commit[..12])),
        "{listing}"
    );
    scaffold(&sandbox, &["new", "house", "demo", "--defaults"]).success();
    let record = fs::read_to_string(sandbox.path("demo/.scaffold.yaml")).unwrap();
    assert!(record.contains(&format!("commit: {commit}")), "{record}");
    assert!(record.contains("name: house"), "{record}");
}

#[test]
fn git_errors_are_one_line_each_and_write_nothing() {
    let sandbox = Sandbox::new();
    let remote = Remote::new(&sandbox);
    let url = remote.url();
    let missing = format!("{}/missing.git", state_dir(&sandbox).display());
    for (pack, code, needles) in [
        (
            format!("{url}//packs/tiny#nope"),
            2,
            vec!["the ref `nope` does not exist in"],
        ),
        (
            format!("file://{missing}"),
            2,
            vec!["cannot clone the pack repository", "fatal:"],
        ),
        (
            format!("{url}//packs/other#v1"),
            2,
            vec!["has no folder `packs/other`"],
        ),
        ("gh:just-an-owner".to_owned(), 2, vec!["OWNER/REPO"]),
    ] {
        scaffold(&sandbox, &["new", "--pack", &pack, "demo", "--defaults"])
            .fails_with(code, &needles);
        assert_eq!(sandbox.work_entries(), Vec::<String>::new(), "{pack}");
    }
    // Without git on PATH.
    let empty = state_dir(&sandbox).join("no-tools");
    fs::create_dir_all(&empty).unwrap();
    let pack = format!("{url}//packs/tiny#v1");
    scaffold_with(
        &sandbox,
        &["new", "--pack", &pack, "demo", "--defaults"],
        &[("PATH", empty.to_str().unwrap())],
    )
    .fails_with(1, &["need the `git` command, which is not on PATH"]);
    assert_eq!(sandbox.work_entries(), Vec::<String>::new());
}

fn keys(session: &mut PtySession, keys: &str) {
    std::thread::sleep(Duration::from_millis(150));
    session.send(keys).unwrap();
    session.flush().unwrap();
}

/// A user on a terminal renders a git pack, answers its questions and approves its hook;
/// the approval is remembered for the same hooks, and asked for again when they change.
#[test]
fn a_terminal_user_answers_a_custom_pack_and_approves_its_hooks_once() {
    let sandbox = Sandbox::new();
    let remote = Remote::new(&sandbox);
    let v1 = format!("{}//packs/tiny#v1", remote.url());
    let mut cmd = sandbox.command(BIN);
    isolate(&sandbox, &mut cmd);
    cmd.args([
        "new",
        "--pack",
        &v1,
        "--without",
        "license,docker,github-actions",
    ])
    .env("TERM", "xterm-256color");
    let mut session = spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(20_000))
            .strip_ansi_escape_codes(true),
    )
    .unwrap();
    session.exp_string("project_name").unwrap();
    keys(&mut session, "demo\r");
    session.exp_string("Greeting").unwrap();
    keys(&mut session, "hi\r");
    session.exp_string("touch hooked").unwrap();
    session.exp_string("Run these commands now?").unwrap();
    keys(&mut session, "y");
    session.exp_eof().unwrap();
    assert!(
        sandbox.path("demo/hooked").is_file(),
        "the approved hook ran"
    );
    assert_eq!(greeting(&sandbox, "demo"), "hi from demo");

    // Remembered for this source and these hooks, even without a terminal.
    let run = scaffold(&sandbox, &["new", "--pack", &v1, "again", "--defaults"]).success();
    assert!(run.stderr.contains("approved earlier"), "{}", run.stderr);
    assert!(sandbox.path("again/hooked").is_file());

    // Changed hooks are not covered by the earlier yes.
    let manifest = remote.source.join("packs/tiny/pack.yaml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace("[touch, hooked]", "[touch, hooked, extra]"),
    )
    .unwrap();
    remote.commit(&sandbox, "v2");
    let v2 = format!("{}//packs/tiny#v2", remote.url());
    let run = scaffold(&sandbox, &["new", "--pack", &v2, "changed", "--defaults"]).success();
    assert!(run.stderr.contains("Skipped the hooks"), "{}", run.stderr);
    assert!(!sandbox.path("changed/hooked").exists());
}
