//! Releases of scaffold itself: cargo-dist's plan, binstall's metadata, the crate's package
//! and the project's own CI workflow.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{check_streams, require_tool};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cargo_toml() -> toml::Table {
    fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

/// The plan `dist plan --output-format=json` printed, committed by scripts/release-check.
fn dist_plan() -> Value {
    let text = fs::read_to_string(root().join("tests/fixtures/dist-plan.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Fills a cargo-binstall template (`{ name }`, `{ target }`, ...) as binstall does.
fn fill(template: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = template.to_owned();
    for (key, value) in values {
        out = out
            .replace(&format!("{{ {key} }}"), value)
            .replace(&format!("{{{key}}}"), value);
    }
    assert!(!out.contains('{'), "unfilled placeholder in {out}");
    out
}

#[test]
fn binstall_metadata_names_the_archives_dist_publishes() {
    let manifest = cargo_toml();
    let package = manifest["package"].as_table().unwrap();
    let name = package["name"].as_str().unwrap();
    let version = package["version"].as_str().unwrap();
    let repo = package["repository"].as_str().unwrap();
    let binstall = package["metadata"]["binstall"].as_table().unwrap();

    let plan = dist_plan();
    let release = &plan["releases"][0];
    assert_eq!(release["app_name"], name);
    assert_eq!(release["app_version"], version);
    let tag = plan["announcement_tag"].as_str().unwrap();
    assert_eq!(tag, format!("v{version}"));
    let mut seen_targets = Vec::new();
    for (artifact_name, artifact) in plan["artifacts"].as_object().unwrap() {
        if artifact["kind"] != "executable-zip" {
            continue;
        }
        let target = artifact["target_triples"][0].as_str().unwrap().to_owned();
        // A target's override wins over the defaults, key by key, as in binstall.
        let overrides = binstall
            .get("overrides")
            .and_then(|o| o.get(&target))
            .and_then(|o| o.as_table());
        let key = |k: &str| {
            overrides
                .and_then(|o| o.get(k))
                .or_else(|| binstall.get(k))
                .and_then(|v| v.as_str())
                .unwrap()
                .to_owned()
        };
        let pkg_fmt = key("pkg-fmt");
        let suffix = match pkg_fmt.as_str() {
            "txz" => ".tar.xz",
            "tgz" => ".tar.gz",
            "zip" => ".zip",
            other => panic!("pkg-fmt {other} is not one dist writes"),
        };
        let windows = target.contains("windows");
        let values = BTreeMap::from([
            ("repo", repo.to_owned()),
            ("name", name.to_owned()),
            ("version", version.to_owned()),
            ("target", target.clone()),
            ("archive-suffix", suffix.to_owned()),
            ("archive-format", pkg_fmt.clone()),
            ("bin", name.to_owned()),
            ("binary-ext", if windows { ".exe" } else { "" }.to_owned()),
        ]);
        // The URL: the artifact's name under the release's download URL.
        let url = fill(&key("pkg-url"), &values);
        assert_eq!(
            url,
            format!("{repo}/releases/download/{tag}/{artifact_name}"),
            "{target}"
        );
        // The binary's path inside the archive: the executable asset dist lists, under the
        // archive's root folder, which dist gives tarballs (named as the archive) but not
        // zips (cargo-dist's `make_executable_zip_for_variant`).
        let bin_dir = fill(&key("bin-dir"), &values);
        let executable = artifact["assets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "executable")
            .unwrap_or_else(|| panic!("{artifact_name} has no executable: {artifact}"));
        let exe = executable["path"].as_str().unwrap();
        let expected = match artifact_name.strip_suffix(suffix) {
            Some(stem) if suffix != ".zip" => format!("{stem}/{exe}"),
            _ => exe.to_owned(),
        };
        assert_eq!(bin_dir, expected, "{target}");
        assert!(
            artifact_name.ends_with(suffix),
            "{artifact_name} is not {pkg_fmt}"
        );
        seen_targets.push(target);
    }
    seen_targets.sort();
    assert_eq!(
        seen_targets,
        [
            "aarch64-apple-darwin",
            "aarch64-unknown-linux-gnu",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "x86_64-pc-windows-msvc",
            "x86_64-unknown-linux-gnu",
            "x86_64-unknown-linux-musl",
        ]
    );
}

#[test]
fn dist_config_comments_every_key() {
    let config = fs::read_to_string(root().join("dist-workspace.toml")).unwrap();
    let parsed: toml::Table = config.parse().unwrap();
    assert_eq!(
        parsed["dist"]["cargo-dist-version"].as_str(),
        Some("0.34.0")
    );
    assert_eq!(
        parsed["dist"]["publish-jobs"].as_array().unwrap()[0].as_str(),
        Some("homebrew")
    );
    let lines: Vec<&str> = config.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let is_key = line
            .split_once(" = ")
            .is_some_and(|(k, _)| !k.starts_with(' ') && !k.starts_with('#') && !k.is_empty());
        if is_key {
            assert!(
                i > 0 && lines[i - 1].starts_with('#'),
                "dist-workspace.toml line {}: `{line}` has no comment above it",
                i + 1
            );
        }
    }
    let targets = parsed["dist"]["targets"].as_array().unwrap().len();
    assert_eq!(targets, 7);
}

#[test]
fn the_release_workflow_is_the_one_dist_generates() {
    let workflow = fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    assert!(
        workflow.contains("autogenerated by dist"),
        "release.yml is not dist's"
    );
    assert!(
        workflow.contains("v0.34.0"),
        "release.yml is not from cargo-dist 0.34.0"
    );
}

#[test]
fn the_package_includes_everything_cargo_toml_names() {
    let manifest = cargo_toml();
    let include: Vec<&str> = manifest["package"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(include.contains(&"LICENSE"));
    assert_eq!(manifest["package"]["license"].as_str(), Some("MIT"));
    assert!(
        fs::read_to_string(root().join("LICENSE"))
            .unwrap()
            .starts_with("MIT License")
    );

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root());
    let (listing, _) = check_streams("cargo package --list", &mut cmd);
    let files: Vec<&str> = listing.lines().collect();
    for pattern in include {
        let glob = globset::Glob::new(pattern).unwrap().compile_matcher();
        assert!(
            files.iter().any(|f| glob.is_match(f)),
            "`{pattern}` from Cargo.toml's include is not in the package:\n{listing}"
        );
    }
    for must in [
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "src/main.rs",
        "templates/README.md",
    ] {
        assert!(files.contains(&must), "{must} missing from the package");
    }
}

#[test]
fn ci_workflow_runs_ci_run_on_linux_builds_everywhere_and_passes_actionlint_and_zizmor() {
    let actionlint = require_tool("actionlint");
    let zizmor = require_tool("zizmor");
    let path = root().join(".github/workflows/ci.yml");
    let workflow = fs::read_to_string(&path).unwrap();
    let (linux, others) = workflow
        .split_once("\n  portable:")
        .expect("ci.yml has a portable job after the test job");
    assert!(linux.contains("runs-on: ubuntu-latest") && linux.contains("run: ./.ci/run"));
    for os in ["macos-latest", "windows-latest"] {
        assert!(others.contains(os), "ci.yml does not build on {os}");
    }
    for step in ["cargo build --locked", "cargo test --locked --lib"] {
        assert!(others.contains(step), "the portable job lacks {step}");
    }
    let ci_run = fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci_run.contains("./scripts/test"));
    let script = fs::read_to_string(root().join("scripts/test")).unwrap();
    for step in ["cargo fmt --all --check", "-D warnings", "cargo test"] {
        assert!(script.contains(step), "scripts/test lacks {step}");
    }
    check_streams("actionlint", Command::new(actionlint).arg(&path));
    let (stdout, _) = check_streams(
        "zizmor --offline",
        Command::new(zizmor)
            .args(["--offline", "--no-progress"])
            .arg(&path),
    );
    assert!(stdout.contains("No findings"), "{stdout}");
}
