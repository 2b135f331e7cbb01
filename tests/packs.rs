//! Custom packs from folders: rendering, extends, install/list/remove, hooks and requires.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use crate::support::{BIN, Run, Sandbox, read_tree};

/// Runs scaffold with its cache, installed packs and consent kept inside the sandbox.
pub fn scaffold(sandbox: &Sandbox, args: &[&str]) -> Run {
    scaffold_with(sandbox, args, &[])
}

pub fn scaffold_with(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = sandbox.command(BIN);
    isolate(sandbox, &mut cmd);
    for (key, value) in env {
        cmd.env(key, value);
    }
    Run::from(cmd.args(args).stdin(Stdio::null()).output().unwrap())
}

/// Points every per-user folder scaffold uses into the sandbox.
pub fn isolate(sandbox: &Sandbox, cmd: &mut std::process::Command) {
    let state = state_dir(sandbox);
    cmd.env("SCAFFOLD_CACHE_DIR", state.join("cache"))
        .env("SCAFFOLD_PACKS_DIR", state.join("packs"))
        .env("SCAFFOLD_CONFIG_DIR", state.join("config"));
}

/// Beside the work directory, so it never shows up among what a command wrote.
pub fn state_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox.work().parent().unwrap().join("state")
}

pub fn write(root: &Path, relative: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// Copies an embedded pack's folder from templates/.
pub fn copy_embedded(name: &str, to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("templates")
        .join(name);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A small pack with one question, a partial and a binary file.
pub fn tiny_pack(root: &Path, extra_manifest: &str) {
    write(
        root,
        "pack.yaml",
        format!(
            "name: tiny\ndescription: A tiny pack\nversion: 1.0.0\nvariables:\n  \
             - {{name: project_name, type: string}}\n  \
             - {{name: greeting, type: string, prompt: Greeting, default: hello}}\n{extra_manifest}"
        ),
    );
    write(
        root,
        "files/README.md",
        "{{> banner}}\n{{greeting}} from {{project_name}}\n",
    );
    write(root, "files/logo.bin", [0u8, 0xff, b'{', b'{', 0x80]);
    write(root, "partials/banner.hbs", "# {{project_name}}\n");
}

fn record(sandbox: &Sandbox, project: &str) -> String {
    fs::read_to_string(sandbox.path(project).join(".scaffold.yaml")).unwrap()
}

/// The tree without `.scaffold.yaml` (which records where the pack came from), as one line
/// per file with its size and a digest of its contents, so a difference reads well.
fn without_record(root: &Path) -> Vec<String> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    read_tree(root)
        .into_iter()
        .filter(|(path, _, _)| path != ".scaffold.yaml")
        .map(|(path, contents, executable)| {
            let mut hasher = DefaultHasher::new();
            contents.hash(&mut hasher);
            format!(
                "{path} {} {:x} {executable}",
                contents.len(),
                hasher.finish()
            )
        })
        .collect()
}

#[test]
fn an_embedded_pack_copied_to_a_folder_renders_the_same_project() {
    let sandbox = Sandbox::new();
    copy_embedded("healthcheck", &sandbox.path("my-pack"));
    let pin = ["--defaults", "--set", "year=2026"];
    let new = |pack: &[&str], dir: &str| {
        let args = [&["new"][..], pack, &["pinger", "-o", dir], &pin].concat();
        scaffold(&sandbox, &args).success();
    };
    new(&["healthcheck"], "embedded");
    new(&["./my-pack"], "folder");
    new(&["--pack", "my-pack"], "flag");
    let embedded = without_record(&sandbox.path("embedded"));
    assert!(embedded.iter().any(|line| line.starts_with("go.mod ")));
    assert_eq!(embedded, without_record(&sandbox.path("folder")));
    assert_eq!(embedded, without_record(&sandbox.path("flag")));

    let recorded = record(&sandbox, "folder");
    let canonical = fs::canonicalize(sandbox.path("my-pack")).unwrap();
    assert!(recorded.contains("source: directory"), "{recorded}");
    assert!(
        recorded.contains(&format!("path: {}", canonical.display())),
        "{recorded}"
    );
    assert!(recorded.contains("content_hash"), "{recorded}");
    assert!(record(&sandbox, "embedded").contains("source: builtin"));
}

#[test]
fn own_partials_and_binary_files_render_and_the_json_summary_names_the_pack() {
    let sandbox = Sandbox::new();
    tiny_pack(&sandbox.path("tiny"), "");
    let run = scaffold(
        &sandbox,
        &[
            "new",
            "./tiny",
            "demo",
            "--defaults",
            "--set",
            "greeting=hi",
            "--json",
        ],
    )
    .success();
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["pack"], "tiny");
    let readme = fs::read_to_string(sandbox.path("demo/README.md")).unwrap();
    assert_eq!(readme, "# demo\nhi from demo\n");
    let logo = fs::read(sandbox.path("demo/logo.bin")).unwrap();
    assert_eq!(logo, [0u8, 0xff, b'{', b'{', 0x80]);
}

fn house_pack(root: &Path) {
    write(
        root,
        "pack.yaml",
        "name: house-check\ndescription: Our health checker\nversion: 2.0.0\n\
         extends: healthcheck\n\
         variables:\n  \
           - name: timeout\n    default: 30s\n    prompt: Request timeout (house default 30s)\n  \
           - {name: team, type: string, prompt: Team, default: platform}\n\
         remove: [CHANGELOG.md, 'internal/check/*_test.go']\n",
    );
    write(
        root,
        "files/README.md",
        "{{> house}}\n\n{{project_name}} by {{team}}\n",
    );
    write(
        root,
        "files/NOTICE",
        "(c) {{year}} {{author}}, timeout {{timeout}}\n",
    );
    write(root, "partials/house.hbs", "# House style\n");
}

#[test]
fn a_pack_extending_an_embedded_one_overrides_replaces_removes_and_adds() {
    let sandbox = Sandbox::new();
    house_pack(&sandbox.path("house"));
    scaffold(
        &sandbox,
        &[
            "new",
            "./house",
            "pinger",
            "--defaults",
            "--set",
            "year=2026",
        ],
    )
    .success();
    let files: Vec<String> = read_tree(&sandbox.path("pinger"))
        .into_iter()
        .map(|(path, _, _)| path)
        .collect();
    // Added, replaced and inherited files; inherited components (license, docker).
    for present in [
        "NOTICE",
        "README.md",
        "go.mod",
        "internal/check/check.go",
        "LICENSE",
        "Dockerfile",
    ] {
        assert!(
            files.iter().any(|f| f == present),
            "{present} missing: {files:?}"
        );
    }
    for removed in [
        "CHANGELOG.md",
        "internal/check/check_test.go",
        "internal/check/report_test.go",
    ] {
        assert!(!files.iter().any(|f| f == removed), "{removed} not removed");
    }
    let readme = fs::read_to_string(sandbox.path("pinger/README.md")).unwrap();
    assert_eq!(readme, "# House style\n\npinger by platform\n");
    let notice = fs::read_to_string(sandbox.path("pinger/NOTICE")).unwrap();
    assert_eq!(notice, "(c) 2026 Your Name, timeout 30s\n");
    let recorded = record(&sandbox, "pinger");
    assert!(recorded.contains("name: house-check"), "{recorded}");
    assert!(recorded.contains("timeout: 30s"), "{recorded}");
    // The inherited validation still applies to the overridden variable.
    scaffold(
        &sandbox,
        &[
            "new",
            "./house",
            "p2",
            "--defaults",
            "--set",
            "timeout=soon",
        ],
    )
    .fails_with(2, &["timeout"]);
    assert!(!sandbox.path("p2").exists());
}

#[test]
fn installed_packs_are_listed_used_by_name_shadow_embedded_ones_and_can_be_removed() {
    let sandbox = Sandbox::new();
    house_pack(&sandbox.path("house"));
    tiny_pack(&sandbox.path("tiny"), "");
    let run = scaffold(&sandbox, &["pack", "install", "./house"]).success();
    assert!(
        run.stderr.contains("Installed house-check 2.0.0"),
        "{}",
        run.stderr
    );
    // Installed under an embedded pack's name, it shadows that pack.
    let run = scaffold(
        &sandbox,
        &["pack", "install", "./tiny", "--name", "rest-api"],
    )
    .success();
    assert!(
        run.stderr.contains("shadows the embedded pack `rest-api`"),
        "{}",
        run.stderr
    );

    let listing = scaffold(&sandbox, &["pack", "list"]).success().stdout;
    assert!(listing.contains("house-check"), "{listing}");
    assert!(
        listing.contains("(shadowed by an installed pack)"),
        "{listing}"
    );
    assert!(
        listing.contains("(installed, shadows the embedded pack)"),
        "{listing}"
    );
    let json: Value = serde_json::from_str(
        &scaffold(&sandbox, &["pack", "list", "--json"])
            .success()
            .stdout,
    )
    .unwrap();
    let rows = json["packs"].as_array().unwrap();
    let house = rows.iter().find(|r| r["name"] == "house-check").unwrap();
    assert_eq!(house["installed"], true);
    assert_eq!(house["version"], "2.0.0");
    assert_eq!(house["source"], "./house");
    let shadowed = rows
        .iter()
        .find(|r| r["name"] == "rest-api" && r["source"] == "embedded")
        .unwrap();
    assert_eq!(shadowed["shadowed"], true);

    // `scaffold list` and `scaffold new` see installed packs like embedded ones.
    let list = scaffold(&sandbox, &["list"]).success().stdout;
    assert!(
        list.contains("house-check 2.0.0  Our health checker"),
        "{list}"
    );
    scaffold(
        &sandbox,
        &["new", "house-check", "from-installed", "--defaults"],
    )
    .success();
    assert!(sandbox.path("from-installed/NOTICE").is_file());
    scaffold(&sandbox, &["new", "rest-api", "shadow", "--defaults"]).success();
    assert!(
        sandbox.path("shadow/logo.bin").is_file(),
        "the installed pack won"
    );
    // The installed copy is independent of the folder it came from.
    fs::remove_dir_all(sandbox.path("house")).unwrap();
    scaffold(
        &sandbox,
        &["new", "house-check", "after-delete", "--defaults"],
    )
    .success();

    scaffold(&sandbox, &["pack", "remove", "rest-api"]).success();
    scaffold(
        &sandbox,
        &["new", "rest-api", "embedded-again", "--defaults"],
    )
    .success();
    assert!(!sandbox.path("embedded-again/logo.bin").exists());
    assert!(sandbox.path("embedded-again/go.mod").is_file());
    scaffold(&sandbox, &["pack", "remove", "rest-api"])
        .fails_with(2, &["no installed pack is named `rest-api`", "house-check"]);
}

#[test]
fn hooks_of_a_custom_pack_are_listed_and_skipped_without_consent_and_run_with_allow_hooks() {
    let sandbox = Sandbox::new();
    tiny_pack(
        &sandbox.path("tiny"),
        "hooks:\n  - [sh, -c, 'echo ran > hooked.txt']\n  - [touch, second]\n",
    );
    let run = scaffold(&sandbox, &["new", "./tiny", "skipped", "--defaults"]).success();
    assert!(
        run.stderr.contains("sh -c 'echo ran > hooked.txt'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("touch second"), "{}", run.stderr);
    assert!(run.stderr.contains("Skipped the hooks"), "{}", run.stderr);
    assert!(run.stderr.contains("--allow-hooks"), "{}", run.stderr);
    assert!(sandbox.path("skipped/README.md").is_file());
    assert!(!sandbox.path("skipped/hooked.txt").exists());

    let run = scaffold(
        &sandbox,
        &["new", "./tiny", "allowed", "--defaults", "--allow-hooks"],
    )
    .success();
    assert!(!run.stderr.contains("Skipped"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(sandbox.path("allowed/hooked.txt")).unwrap(),
        "ran\n"
    );
    assert!(sandbox.path("allowed/second").is_file());
    // --allow-hooks is not remembered as consent.
    let run = scaffold(&sandbox, &["new", "./tiny", "again", "--defaults"]).success();
    assert!(run.stderr.contains("Skipped the hooks"), "{}", run.stderr);
}

#[test]
fn a_failing_hook_shows_its_output_and_exit_code_and_leaves_the_project() {
    let sandbox = Sandbox::new();
    tiny_pack(
        &sandbox.path("tiny"),
        "hooks:\n  - [sh, -c, 'echo broken-output; echo to-stderr >&2; exit 3']\n  - [touch, never]\n",
    );
    let run = scaffold(
        &sandbox,
        &["new", "./tiny", "demo", "--defaults", "--allow-hooks"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("exit code 3"), "{}", run.stderr);
    assert!(run.stderr.contains("broken-output"), "{}", run.stderr);
    assert!(run.stderr.contains("to-stderr"), "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("scaffold: error: hook `sh -c"),
        "{}",
        run.stderr
    );
    assert!(
        sandbox.path("demo/README.md").is_file(),
        "the project stays"
    );
    assert!(
        !sandbox.path("demo/never").exists(),
        "later hooks do not run"
    );
}

#[test]
fn a_pack_requiring_a_newer_scaffold_names_both_versions() {
    let sandbox = Sandbox::new();
    tiny_pack(&sandbox.path("tiny"), "requires: '>=99.1'\n");
    scaffold(&sandbox, &["new", "./tiny", "demo", "--defaults"]).fails_with(
        2,
        &[
            "requires scaffold >=99.1",
            &format!("this is scaffold {}", env!("CARGO_PKG_VERSION")),
        ],
    );
    assert_eq!(sandbox.work_entries(), ["tiny"]);
    tiny_pack(&sandbox.path("tiny"), "requires: '>=0.1'\n");
    scaffold(&sandbox, &["new", "./tiny", "demo", "--defaults"]).success();
}
