//! Groups rendered projects whose Go inputs are identical, so the Go checks run once per
//! distinct tree: answers such as the license choice change the LICENSE and README but not
//! a line the Go toolchain reads, and compiling and testing the same code six times proves
//! nothing the first run did not.
//!
//! A project's Go inputs are its `.go` files, `go.mod`, `go.sum`, and every file whose name
//! (or the name of a folder above it) appears anywhere in its Go source, since Go code can
//! only open or embed files it names. The project's own name is masked before comparing,
//! because each rendered project has a distinct one.

use std::fs;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use super::Project;

/// Projects with the same Go inputs: the first one stands for all.
pub struct Tree<'a> {
    pub representative: &'a Project,
    pub members: Vec<String>,
}

/// The distinct Go trees among `projects`, in order of first appearance.
pub fn distinct<'a>(projects: &[&'a Project]) -> Result<Vec<Tree<'a>>> {
    let mut trees: Vec<(String, Tree<'a>)> = Vec::new();
    for project in projects {
        let print = fingerprint(project)?;
        match trees.iter_mut().find(|(known, _)| *known == print) {
            Some((_, tree)) => tree.members.push(project.name.clone()),
            None => trees.push((
                print,
                Tree {
                    representative: project,
                    members: vec![project.name.clone()],
                },
            )),
        }
    }
    Ok(trees.into_iter().map(|(_, tree)| tree).collect())
}

fn fingerprint(project: &Project) -> Result<String> {
    let mut files = Vec::new();
    for entry in WalkDir::new(&project.dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", project.dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(&project.dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::read(entry.path())
            .with_context(|| format!("reading {}", entry.path().display()))?;
        files.push((relative, bytes));
    }
    let go_source: String = files
        .iter()
        .filter(|(path, _)| path.ends_with(".go"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    let mask = |text: &[u8]| -> Vec<u8> {
        String::from_utf8_lossy(text)
            .replace(&project.name, "\u{0}")
            .into_bytes()
    };
    let mut hasher = Sha256::new();
    for (path, bytes) in &files {
        let read_by_go = path.ends_with(".go")
            || path == "go.mod"
            || path == "go.sum"
            || path.split('/').any(|segment| {
                go_source.contains(segment.replace(&project.name, "").as_str())
                    && !segment.replace(&project.name, "").is_empty()
            });
        if !read_by_go {
            continue;
        }
        hasher.update(mask(path.as_bytes()));
        hasher.update([0xff]);
        hasher.update(mask(bytes));
        hasher.update([0xfe]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}
