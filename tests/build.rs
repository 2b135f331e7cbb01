//! `scaffold build` and `scaffold bundle` on generated projects, with the real Go toolchain:
//! archive names and contents, checksums, version stamps, reproducibility, incremental
//! rebuilds, compile failures and the client hand-off zip.

use std::fs;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

#[cfg(unix)]
use crate::build_faults::{checked_sums, project};
use crate::support::{BIN, Run, Sandbox, check_output, go_env, require_tool};

const TARGETS: &str = "linux/amd64,darwin/arm64,windows/amd64";

/// Held around each test's first build: with a cold GOCACHE, two tests compiling the standard
/// library for the same targets at once would each do all of the work.
static FIRST_BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub(crate) fn first_build(sandbox: &Sandbox, args: &[&str]) -> Run {
    let _turn = FIRST_BUILD.lock().unwrap_or_else(|e| e.into_inner());
    scaffold(sandbox, args)
}

/// Runs scaffold with Go's caches and offline settings.
pub(crate) fn scaffold(sandbox: &Sandbox, args: &[&str]) -> Run {
    let output = go_env(&mut sandbox.command(BIN))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run::from(output)
}

pub(crate) fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: not JSON:\n{}\n{}", run.stdout, run.stderr))
}

pub(crate) fn statuses(summary: &Value) -> Vec<(String, String)> {
    summary["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["target"].as_str().unwrap().to_owned(),
                t["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The visible files of a directory, sorted.
pub(crate) fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// (name, mode, mtime, uid, gid, contents) of each tar.gz entry, in archive order.
fn tar_entries(path: &Path) -> Vec<(String, u32, u64, u64, u64, Vec<u8>)> {
    let file = fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let header = entry.header().clone();
            let mut contents = Vec::new();
            entry.read_to_end(&mut contents).unwrap();
            (
                entry.path().unwrap().to_string_lossy().into_owned(),
                header.mode().unwrap(),
                header.mtime().unwrap(),
                header.uid().unwrap(),
                header.gid().unwrap(),
                contents,
            )
        })
        .collect()
}

/// (name, contents) of each zip entry, in archive order.
fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut contents = Vec::new();
            file.read_to_end(&mut contents).unwrap();
            (file.name().unwrap().into_owned(), contents)
        })
        .collect()
}

pub(crate) fn git(sandbox: &Sandbox, dir: &str, args: &[&str]) -> String {
    let mut cmd = sandbox.command("git");
    cmd.current_dir(sandbox.path(dir)).args(args);
    check_output(&mut cmd).trim().to_owned()
}

#[test]
fn builds_reproducible_archives_from_a_tagged_healthcheck_and_bundles_them() {
    require_tool("go");
    require_tool("git");
    let sandbox = Sandbox::new().with_git_identity();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "hc",
            "--defaults",
            "--set",
            "year=2026",
            "--git",
        ])
        .success();
    // Targets from .scaffold.yaml this time; the rest-api test passes --targets.
    let record = sandbox.path("hc/.scaffold.yaml");
    let mut text = fs::read_to_string(&record).unwrap();
    text.push_str("build:\n  targets:\n");
    for target in TARGETS.split(',') {
        text.push_str(&format!("    - {target}\n"));
    }
    fs::write(&record, text).unwrap();
    git(
        &sandbox,
        "hc",
        &["commit", "--quiet", "-am", "Build three targets"],
    );
    git(&sandbox, "hc", &["tag", "v1.4.0"]);
    let commit = git(&sandbox, "hc", &["rev-parse", "HEAD"]);
    let epoch: u64 = git(&sandbox, "hc", &["log", "-1", "--format=%ct"])
        .parse()
        .unwrap();

    let first = first_build(&sandbox, &["build", "hc", "--json"]).success();
    let summary = json(&first);
    assert_eq!(summary["version"], "1.4.0", "the tag, less its v");
    assert_eq!(summary["commit"], commit.as_str());
    assert_eq!(
        statuses(&summary),
        [
            ("linux/amd64".to_owned(), "built".to_owned()),
            ("darwin/arm64".to_owned(), "built".to_owned()),
            ("windows/amd64".to_owned(), "built".to_owned()),
        ]
    );
    let dist = sandbox.path("hc/dist");
    assert_eq!(
        listing(&dist),
        [
            "SHA256SUMS",
            "hc_1.4.0_darwin_arm64.tar.gz",
            "hc_1.4.0_linux_amd64.tar.gz",
            "hc_1.4.0_windows_amd64.zip",
            "manifest.json",
        ]
    );

    // Flat archives: the binary, README.md and LICENSE, sorted, owned by root, dated by the commit.
    let readme = fs::read(sandbox.path("hc/README.md")).unwrap();
    let license = fs::read(sandbox.path("hc/LICENSE")).unwrap();
    let entries = tar_entries(&dist.join("hc_1.4.0_linux_amd64.tar.gz"));
    let listed: Vec<(&str, u32, u64, u64, u64)> = entries
        .iter()
        .map(|(name, mode, mtime, uid, gid, _)| (name.as_str(), *mode, *mtime, *uid, *gid))
        .collect();
    assert_eq!(
        listed,
        [
            ("LICENSE", 0o644, epoch, 0, 0),
            ("README.md", 0o644, epoch, 0, 0),
            ("hc", 0o755, epoch, 0, 0),
        ]
    );
    assert_eq!(entries[0].5, license);
    assert_eq!(entries[1].5, readme);
    let zipped = zip_entries(&fs::read(dist.join("hc_1.4.0_windows_amd64.zip")).unwrap());
    let names: Vec<&str> = zipped.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["LICENSE", "README.md", "hc.exe"]);
    assert!(
        zipped[2].1.starts_with(b"MZ"),
        "hc.exe is not a Windows executable"
    );

    let sha256sum = require_tool("sha256sum");
    let mut check = sandbox.command(&sha256sum);
    check.current_dir(&dist).args(["-c", "SHA256SUMS"]);
    let checked = check_output(&mut check);
    assert_eq!(checked.matches(": OK").count(), 3, "{checked}");

    // The Linux binary runs here and prints what was stamped into it.
    let binary = sandbox.path("hc-binary");
    fs::write(&binary, &entries[2].5).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let version = check_output(sandbox.command(&binary).arg("-version"));
    assert!(version.contains("hc 1.4.0"), "{version}");
    assert!(version.contains(&commit), "{version}");

    // Nothing changed: nothing is rebuilt.
    let again = json(&scaffold(&sandbox, &["build", "hc", "--json"]).success());
    assert!(
        statuses(&again)
            .iter()
            .all(|(_, status)| status == "cached"),
        "{again:#}"
    );
    for (cached, built) in again["targets"]
        .as_array()
        .unwrap()
        .iter()
        .zip(summary["targets"].as_array().unwrap())
    {
        assert_eq!(cached["archive"], built["archive"]);
        assert_eq!(cached["sha256"], built["sha256"]);
    }

    // The same sources and version give the same bytes, built again from scratch.
    let forced = scaffold(
        &sandbox,
        &["build", "hc", "--force", "--out", "dist2", "--json"],
    );
    let forced = json(&forced.success());
    assert!(statuses(&forced).iter().all(|(_, s)| s == "built"));
    let dist2 = sandbox.path("dist2");
    for name in listing(&dist) {
        if name != "manifest.json" {
            assert_eq!(
                fs::read(dist.join(&name)).unwrap(),
                fs::read(dist2.join(&name)).unwrap(),
                "{name} differs between two builds"
            );
        }
    }

    // GoReleaser gets the same plan, in a file yamllint accepts.
    scaffold(&sandbox, &["build", "hc", "--emit-goreleaser"]).success();
    let goreleaser = fs::read_to_string(sandbox.path("hc/.goreleaser.yaml")).unwrap();
    for needle in [
        "version: 2",
        "main: ./cmd/hc",
        "- linux_amd64_v1",
        "- darwin_arm64_v8.0",
        "- windows_amd64_v1",
        "- CGO_ENABLED=0",
        "- -trimpath",
        "\"-X main.version={{ .Version }}\"",
        "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}",
        "name_template: SHA256SUMS",
    ] {
        assert!(
            goreleaser.contains(needle),
            "{needle} missing:\n{goreleaser}"
        );
    }
    let yamllint = require_tool("yamllint");
    check_output(
        sandbox
            .command(&yamllint)
            .args(["-s", "hc/.goreleaser.yaml"]),
    );
    fs::write(sandbox.path("hc/.goreleaser.yaml"), "version: 2\n").unwrap();
    scaffold(&sandbox, &["build", "hc", "--emit-goreleaser"])
        .fails_with(1, &[".goreleaser.yaml exists and differs"]);

    // The hand-off uses the archives already built for this version.
    let bundled = json(&scaffold(&sandbox, &["bundle", "hc", "--json"]).success());
    assert_eq!(bundled["built"], false);
    let bundle_path = dist.join("hc_1.4.0_handoff.zip");
    let bundle = fs::read(&bundle_path).unwrap();
    let entries = zip_entries(&bundle);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "hc_1.4.0_handoff/CHANGELOG.md",
            "hc_1.4.0_handoff/HANDOFF.md",
            "hc_1.4.0_handoff/LICENSE",
            "hc_1.4.0_handoff/README.md",
            "hc_1.4.0_handoff/SHA256SUMS",
            "hc_1.4.0_handoff/hc_1.4.0_darwin_arm64.tar.gz",
            "hc_1.4.0_handoff/hc_1.4.0_linux_amd64.tar.gz",
            "hc_1.4.0_handoff/hc_1.4.0_windows_amd64.zip",
        ]
    );
    assert_eq!(entries[4].1, fs::read(dist.join("SHA256SUMS")).unwrap());
    assert_eq!(
        entries[6].1,
        fs::read(dist.join("hc_1.4.0_linux_amd64.tar.gz")).unwrap()
    );
    let handoff = String::from_utf8(entries[1].1.clone()).unwrap();
    for needle in [
        "# hc 1.4.0",
        commit.as_str(),
        "hc_1.4.0_linux_amd64.tar.gz",
        "hc_1.4.0_darwin_arm64.tar.gz",
        "hc_1.4.0_windows_amd64.zip",
        "Dockerfile",
        "| Go | go1.",
    ] {
        assert!(handoff.contains(needle), "{needle} missing:\n{handoff}");
    }
    let checksum = fs::read_to_string(dist.join("hc_1.4.0_handoff.zip.sha256")).unwrap();
    assert_eq!(
        checksum,
        format!(
            "{}  hc_1.4.0_handoff.zip\n",
            bundled["sha256"].as_str().unwrap()
        )
    );
    let mut check = sandbox.command(&sha256sum);
    check
        .current_dir(&dist)
        .args(["-c", "hc_1.4.0_handoff.zip.sha256"]);
    check_output(&mut check);
    // Bundling again gives the same bytes.
    scaffold(&sandbox, &["bundle", "hc", "-o", "again.zip"]).success();
    assert_eq!(fs::read(sandbox.path("again.zip")).unwrap(), bundle);
}

#[test]
fn a_failing_target_leaves_the_others_built_and_bundle_rebuilds_it() {
    require_tool("go");
    let sandbox = Sandbox::new();
    sandbox
        .run(&["new", "rest-api", "api", "--defaults", "--set", "year=2026"])
        .success();

    // Usage errors and a missing Go toolchain stop before anything is written.
    scaffold(
        &sandbox,
        &["build", "api", "--targets", "linux/amd64,plan9/arm65"],
    )
    .fails_with(
        2,
        &[
            "unknown target `plan9/arm65`",
            "linux/amd64",
            "darwin/arm64",
            "windows/amd64",
        ],
    );
    scaffold(&sandbox, &["build", "api", "--targets", "linux"])
        .fails_with(2, &["not of the form OS/ARCH"]);
    scaffold(&sandbox, &["build", "api", "--version", "1.0 beta"]).fails_with(2, &["version"]);
    assert!(!sandbox.path("api/dist").exists());
    let path = std::env::var_os("PATH").unwrap_or_default();
    let without_go =
        std::env::join_paths(std::env::split_paths(&path).filter(|dir| !dir.join("go").exists()))
            .unwrap();
    let output = go_env(&mut sandbox.command(BIN))
        .args(["build", "api"])
        .env("PATH", without_go)
        .output()
        .unwrap();
    Run::from(output).fails_with(1, &["`go` is not on PATH", "https://go.dev/dl/"]);

    // A syntax error in a Windows-only file fails that target alone.
    let broken = sandbox.path("api/cmd/api/broken_windows.go");
    fs::write(&broken, "package main\n\nfunc broken( {\n").unwrap();
    let failed = first_build(
        &sandbox,
        &[
            "build",
            "api",
            "--targets",
            TARGETS,
            "--version",
            "v2.0.0",
            "--json",
        ],
    );
    assert_eq!(failed.code, 1, "{}\n{}", failed.stdout, failed.stderr);
    let summary = json(&failed);
    assert_eq!(
        statuses(&summary),
        [
            ("linux/amd64".to_owned(), "built".to_owned()),
            ("darwin/arm64".to_owned(), "built".to_owned()),
            ("windows/amd64".to_owned(), "failed".to_owned()),
        ]
    );
    let lines: Vec<&str> = failed.stderr.lines().collect();
    let header = lines
        .iter()
        .position(|l| *l == "windows/amd64 failed to build:")
        .unwrap_or_else(|| panic!("no failure header in:\n{}", failed.stderr));
    assert!(
        lines[header + 1..]
            .iter()
            .take_while(|l| l.starts_with("    "))
            .any(|l| l.contains("broken_windows.go:3") && l.contains("syntax error")),
        "{}",
        failed.stderr
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("scaffold: error: 1 of 3 targets failed to build (windows/amd64)"),
        "{}",
        failed.stderr
    );
    let dist = sandbox.path("api/dist");
    assert_eq!(
        listing(&dist),
        [
            "SHA256SUMS",
            "api_2.0.0_darwin_arm64.tar.gz",
            "api_2.0.0_linux_amd64.tar.gz",
            "manifest.json",
        ]
    );
    let hidden: Vec<String> = fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".cache")
        .collect();
    assert!(hidden.is_empty(), "temporary files left: {hidden:?}");
    let mut check = sandbox.command(require_tool("sha256sum"));
    check.current_dir(&dist).args(["-c", "SHA256SUMS"]);
    assert_eq!(check_output(&mut check).matches(": OK").count(), 2);

    // Fixed, and configured in .scaffold.yaml: bundle builds the missing archive first.
    fs::remove_file(&broken).unwrap();
    let record = sandbox.path("api/.scaffold.yaml");
    let text = fs::read_to_string(&record).unwrap();
    fs::write(
        &record,
        format!("{text}build:\n  targets: [linux/amd64, darwin/arm64, windows/amd64]\n"),
    )
    .unwrap();
    let bundled =
        json(&scaffold(&sandbox, &["bundle", "api", "--version", "2.0.0", "--json"]).success());
    assert_eq!(bundled["built"], true);
    let bundle = fs::read(dist.join("api_2.0.0_handoff.zip")).unwrap();
    let entries = zip_entries(&bundle);
    assert!(
        entries
            .iter()
            .any(|(n, _)| n == "api_2.0.0_handoff/api_2.0.0_windows_amd64.zip")
    );
    let handoff = entries
        .iter()
        .find(|(n, _)| n == "api_2.0.0_handoff/HANDOFF.md")
        .map(|(_, c)| String::from_utf8(c.clone()).unwrap())
        .unwrap();
    for needle in [
        "# api 2.0.0",
        "api_2.0.0_linux_amd64.tar.gz",
        "api_2.0.0_windows_amd64.zip",
        "deploy/helm/api",
        "Dockerfile",
        "| `PORT` | `8080` | TCP port to listen on",
    ] {
        assert!(handoff.contains(needle), "{needle} missing:\n{handoff}");
    }
}

#[test]
fn builds_any_go_module_with_its_main_package_at_the_root() {
    require_tool("go");
    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.path("pinger")).unwrap();
    fs::write(
        sandbox.path("pinger/go.mod"),
        "module example.com/tools/pinger/v2\n\ngo 1.22\n",
    )
    .unwrap();
    fs::write(
        sandbox.path("pinger/main.go"),
        "package main\n\nimport \"fmt\"\n\nvar version = \"dev\"\n\nfunc main() { fmt.Println(version) }\n",
    )
    .unwrap();
    let run = scaffold(
        &sandbox,
        &[
            "build",
            "pinger",
            "--targets",
            "linux/amd64",
            "--version",
            "0.3.0",
        ],
    )
    .success();
    assert!(
        run.stderr
            .contains("linux/amd64 built pinger_0.3.0_linux_amd64.tar.gz"),
        "{}",
        run.stderr
    );
    let entries = tar_entries(&sandbox.path("pinger/dist/pinger_0.3.0_linux_amd64.tar.gz"));
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["pinger"], "no README or LICENSE to pack");
    assert_eq!(
        entries[0].2, 0,
        "no git and no SOURCE_DATE_EPOCH: dated 1970"
    );

    // SOURCE_DATE_EPOCH dates the files and the stamp, and so changes the cache key.
    let output = go_env(&mut sandbox.command(BIN))
        .args([
            "build",
            "pinger",
            "--targets",
            "linux/amd64",
            "--version",
            "0.3.0",
        ])
        .env("SOURCE_DATE_EPOCH", "1767323045")
        .output()
        .unwrap();
    let run = Run::from(output).success();
    assert!(run.stderr.contains(" built "), "{}", run.stderr);
    let entries = tar_entries(&sandbox.path("pinger/dist/pinger_0.3.0_linux_amd64.tar.gz"));
    assert_eq!(entries[0].2, 1_767_323_045);
    let manifest = fs::read_to_string(sandbox.path("pinger/dist/manifest.json")).unwrap();
    assert!(
        manifest.contains("\"date\": \"2026-01-02T03:04:05Z\""),
        "{manifest}"
    );

    let listed = scaffold(&sandbox, &["build", "--list-targets", "--json"]).success();
    let listed: Vec<String> = serde_json::from_str(&listed.stdout).unwrap();
    assert!(listed.contains(&"windows/amd64".to_owned()), "{listed:?}");
}

// With the fault tests' helpers, which are Unix-only.
#[cfg(unix)]
#[test]
fn a_dirty_tree_is_built_as_dirty_and_bundle_warns_unless_allowed() {
    require_tool("go");
    require_tool("git");
    let sandbox = Sandbox::new().with_git_identity();
    project(&sandbox, "hc", true);
    git(
        &sandbox,
        "hc",
        &["commit", "--quiet", "-am", "Build for Linux"],
    );
    git(&sandbox, "hc", &["tag", "v1.2.0"]);
    let readme = sandbox.path("hc/README.md");
    let mut text = fs::read_to_string(&readme).unwrap();
    text.push_str("\nAn uncommitted note.\n");
    fs::write(&readme, text).unwrap();
    assert_eq!(
        git(&sandbox, "hc", &["describe", "--tags", "--dirty"]),
        "v1.2.0-dirty"
    );

    let built = json(&first_build(&sandbox, &["build", "hc", "--json"]).success());
    assert_eq!(built["version"], "1.2.0-dirty");
    assert_eq!(built["dirty"], true);
    let dist = sandbox.path("hc/dist");
    assert!(dist.join("hc_1.2.0-dirty_linux_amd64.tar.gz").is_file());
    assert!(!dist.join("hc_1.2.0_linux_amd64.tar.gz").exists());
    let run = scaffold(&sandbox, &["build", "hc"]).success();
    assert!(
        run.stderr.starts_with(
            "scaffold: warning: the working tree has uncommitted changes, so this is version 1.2.0-dirty"
        ) && run.stderr.contains("--allow-dirty"),
        "{}",
        run.stderr
    );

    let bundled = scaffold(&sandbox, &["bundle", "hc"]).success();
    assert!(
        bundled.stderr.contains(
            "scaffold: warning: the working tree has uncommitted changes: this bundle hands off \
             unreleased code as version 1.2.0-dirty"
        ),
        "{}",
        bundled.stderr
    );
    assert!(dist.join("hc_1.2.0-dirty_handoff.zip").is_file());

    // Intentionally: the clean version, without the warning.
    let clean = scaffold(&sandbox, &["bundle", "hc", "--allow-dirty", "--json"]).success();
    assert!(!clean.stderr.contains("warning"), "{}", clean.stderr);
    let clean = json(&clean);
    assert_eq!(clean["version"], "1.2.0");
    assert_eq!(clean["dirty"], false);
    assert_eq!(clean["built"], true);
    assert!(dist.join("hc_1.2.0_linux_amd64.tar.gz").is_file());
    assert_eq!(
        checked_sums(&sandbox, &dist),
        [
            "hc_1.2.0-dirty_linux_amd64.tar.gz",
            "hc_1.2.0_linux_amd64.tar.gz"
        ]
    );
}
