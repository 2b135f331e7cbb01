//! Every command in README.md runs, in order, in one sandbox, and the output shown after a
//! command block is what it prints, so the README cannot rot.
//!
//! Lines whose comment says `network` (installers, `./scripts/test` on first use) are
//! skipped, and the test says which. `cargo run --release --` runs the binary cargo built
//! for this test: the same sources, without a second, optimised compile of several minutes.
//! In an output block, `…` stands for any text and a line of `…` alone for any lines.

use std::fs;
use std::path::Path;

use regex::Regex;

use crate::support::{BIN, Sandbox, go_env, require_tool};

struct Block {
    lang: String,
    text: String,
    line: usize,
    /// Only blank lines separate it from the block before.
    follows_block: bool,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let mut gap_is_blank = false;
    for (index, line) in markdown.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                current = Some(Block {
                    lang: lang.trim().to_owned(),
                    text: String::new(),
                    line: index + 1,
                    follows_block: gap_is_blank && !blocks.is_empty(),
                });
            }
            (Some(_), Some("")) => {
                blocks.push(current.take().unwrap());
                gap_is_blank = true;
            }
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => gap_is_blank &= line.trim().is_empty(),
        }
    }
    blocks
}

/// The shell comment ending `line`, if any (a `#` after whitespace, outside quotes).
fn comment(line: &str) -> Option<&str> {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return Some(&line[i..]),
            _ => {}
        }
        previous = c;
    }
    None
}

fn needs_network(line: &str) -> bool {
    comment(line).is_some_and(|c| c.contains("network"))
}

/// Checks that every expected line appears, in order, among the lines printed.
#[track_caller]
fn assert_shows(expected: &str, printed: &str, where_: &str) {
    let printed: Vec<&str> = printed.lines().map(str::trim_end).collect();
    let mut at = 0;
    for want in expected.lines().map(str::trim_end) {
        if want.is_empty() || want == "…" {
            continue;
        }
        let pattern = format!("^{}$", regex::escape(want).replace('…', ".*"));
        let re = Regex::new(&pattern).unwrap();
        match printed[at..].iter().position(|line| re.is_match(line)) {
            Some(found) => at += found + 1,
            None => panic!(
                "{where_}: the README shows {want:?}, which the command did not print (in order):\n{}",
                printed.join("\n")
            ),
        }
    }
}

#[test]
fn every_readme_command_runs_and_prints_what_the_readme_shows() {
    let bash = require_tool("bash");
    let go = require_tool("go");
    require_tool("git");
    require_tool("man");
    let actionlint = require_tool("actionlint");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();

    // A fresh clone's examples, a configured developer, scaffold and the tools on PATH.
    let sandbox = Sandbox::new().with_git_identity();
    let examples = sandbox.path("examples");
    fs::create_dir_all(&examples).unwrap();
    for entry in walkdir::WalkDir::new(root.join("examples")).min_depth(1) {
        let entry = entry.unwrap();
        let target = examples.join(entry.path().strip_prefix(root.join("examples")).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
    let bin_dir = Path::new(BIN).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        [bin_dir, go.parent().unwrap().to_path_buf()]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();

    let blocks = blocks(&readme);
    let mut ran = 0;
    let mut skipped = Vec::new();
    let mut last_output: Option<(String, usize)> = None;
    for block in &blocks {
        let where_ = format!("README.md line {}", block.line);
        match block.lang.as_str() {
            "sh" => {
                let mut printed = String::new();
                for line in block.text.lines().map(str::trim) {
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    if needs_network(line) {
                        skipped.push(line.to_owned());
                        continue;
                    }
                    let command = match line.strip_prefix("cargo run --release -- ") {
                        Some(args) => format!("scaffold {args}"),
                        None => line.to_owned(),
                    };
                    let mut cmd = sandbox.command(&bash);
                    go_env(&mut cmd)
                        .args(["-euo", "pipefail", "-c", &command])
                        .env("PATH", &path)
                        .env("MANPAGER", "cat")
                        .stdin(std::process::Stdio::null());
                    let output = cmd.output().unwrap();
                    printed = String::from_utf8_lossy(&output.stdout).into_owned()
                        + &String::from_utf8_lossy(&output.stderr);
                    assert!(
                        output.status.success(),
                        "{where_}: `{line}` failed ({}):\n{printed}",
                        output.status
                    );
                    ran += 1;
                }
                last_output = Some((printed, block.line));
            }
            "text" if block.follows_block => {
                if let Some((printed, command_line)) = last_output.take() {
                    let where_ = format!("{where_} (output of the block at line {command_line})");
                    assert_shows(&block.text, &printed, &where_);
                }
            }
            "powershell" => {
                for line in block.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    assert!(
                        needs_network(line),
                        "{where_}: only network PowerShell commands can be shown: {line}"
                    );
                    skipped.push(line.to_owned());
                }
                last_output = None;
            }
            "yaml" if block.text.contains("\njobs:") => {
                // A workflow: it must pass actionlint (and shellcheck on its run: scripts).
                let file = sandbox.path(".github/workflows/readme.yml");
                fs::create_dir_all(file.parent().unwrap()).unwrap();
                fs::write(&file, &block.text).unwrap();
                let mut cmd = sandbox.command(&actionlint);
                cmd.arg(".github/workflows/readme.yml").env("PATH", &path);
                let output = cmd.output().unwrap();
                assert!(
                    output.status.success(),
                    "{where_}: actionlint:\n{}",
                    String::from_utf8_lossy(&output.stdout)
                );
                fs::remove_dir_all(sandbox.path(".github")).unwrap();
                last_output = None;
            }
            _ => last_output = None,
        }
    }
    for line in &skipped {
        eprintln!("README command not run (needs the network): {line}");
    }
    assert!(ran >= 15, "only {ran} README commands ran");
    assert!(
        skipped.len() <= 6,
        "too many README commands skipped: {skipped:#?}"
    );
    // What the commands made is really there.
    assert!(sandbox.path("orders-api/go.mod").is_file());
    assert!(
        sandbox
            .path("pinger/dist/pinger_1.2.0_handoff.zip")
            .is_file()
    );
    assert!(sandbox.path("invoice-service/.git").is_dir());
}

#[test]
fn readme_parsing_finds_commands_outputs_and_network_markers() {
    let blocks =
        blocks("```sh\nscaffold list\n```\n\n```text\nPacks\n```\n\nprose\n\n```text\nx\n```\n");
    assert_eq!(blocks.len(), 3);
    assert!(blocks[1].follows_block);
    assert!(!blocks[2].follows_block);
    assert!(needs_network("curl https://x | sh   # network"));
    assert!(!needs_network("echo '# network' > f"));
    assert_shows("a\n…\nc …", "a\nb\nc d\n", "test");
}
