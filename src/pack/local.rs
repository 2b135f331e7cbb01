//! Loading a pack from a folder on disk, in the same layout as the embedded packs.
//!
//! ```text
//! my-pack/
//!   pack.yaml        the manifest
//!   files/           the project tree
//!   partials/        optional: partials/header.hbs is {{> header}}, shadowing a shared one
//! ```

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use semver::{Version, VersionReq};
use serde_json::Value;

use super::extends::{find_parent, merge_manifest, merge_tree};
use super::{Manifest, Pack, PackSource, TemplateFile, content_hash};
use crate::error::usage;

/// The largest file a pack may hold; anything bigger is almost certainly a mistake (a build
/// output or a data dump) and would be copied into every generated project.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

const MANIFEST: &str = "pack.yaml";
const FILES_PREFIX: &str = "files/";
const PARTIALS_PREFIX: &str = "partials/";

/// Loads the pack in folder `path`. Its files are sorted by path, binary files are kept
/// verbatim, and symlinks are followed only when they stay inside the folder. A pack that
/// `extends:` another comes back merged with its parent.
pub fn load_dir(path: &Path) -> Result<Pack> {
    load(path, true)
}

/// Like [`load_dir`] for a pack that is itself a parent: one that `extends:` is refused.
pub(crate) fn load_plain(path: &Path) -> Result<Pack> {
    load(path, false)
}

fn load(path: &Path, may_extend: bool) -> Result<Pack> {
    let root = fs::canonicalize(path).map_err(|err| {
        usage(format!(
            "cannot open the pack folder {}: {err}",
            path.display()
        ))
    })?;
    if !root.is_dir() {
        return Err(usage(format!(
            "{} is not a folder: a pack is a folder holding pack.yaml and files/",
            path.display()
        )));
    }
    let tree = read_tree(path, &root)?;
    let Some((_, manifest_bytes)) = tree.iter().find(|(name, _)| name == MANIFEST) else {
        return Err(usage(format!(
            "{} has no pack.yaml: a pack is a folder holding pack.yaml and files/ \
             (see `scaffold list` for the embedded packs' layout)",
            path.display()
        )));
    };
    let location = path.join(MANIFEST);
    let parsed: Value = parse_yaml(&location, manifest_bytes)?;
    let extends = parsed
        .get("extends")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (manifest, parent) = match extends {
        None => (parse_manifest(&location, manifest_bytes)?, None),
        Some(parent) if !may_extend => {
            return Err(usage(format!(
                "{} extends `{parent}`: only one level of extends is supported",
                location.display()
            )));
        }
        Some(parent) => {
            let child = parsed
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let parent = find_parent(&parent, child)?;
            let manifest = merge_manifest(&location, &parsed, &parent.manifest)?;
            (manifest, Some(parent))
        }
    };
    check_requires(&location, &manifest)?;

    let mut files = Vec::new();
    let mut partials = Vec::new();
    for (name, bytes) in &tree {
        if let Some(relative) = name.strip_prefix(FILES_PREFIX) {
            files.push(TemplateFile {
                path: relative.to_owned(),
                contents: Cow::Owned(bytes.clone()),
            });
        } else if let Some(relative) = name.strip_prefix(PARTIALS_PREFIX)
            && let Some(partial) = relative.strip_suffix(".hbs")
        {
            let text = String::from_utf8(bytes.clone()).map_err(|_| {
                usage(format!(
                    "the partial {} is not UTF-8 text",
                    path.join(name).display()
                ))
            })?;
            partials.push((partial.to_owned(), text));
        }
    }
    let mut entries: Vec<(&str, &[u8])> = tree
        .iter()
        .map(|(name, bytes)| (name.as_str(), &bytes[..]))
        .collect();
    if let Some(parent) = &parent {
        // The pin covers what the parent contributed too.
        entries.push(("\0extends", parent.content_hash.as_bytes()));
        (files, partials) = merge_tree(parent, &manifest.remove, files, partials)?;
    }
    let content_hash = content_hash(entries);
    Ok(Pack {
        manifest,
        source: PackSource::Directory { path: root },
        files,
        partials,
        content_hash,
    })
}

/// Refuses a pack whose `requires:` this scaffold does not satisfy.
fn check_requires(location: &Path, manifest: &Manifest) -> Result<()> {
    let Some(requires) = &manifest.requires else {
        return Ok(());
    };
    let wanted = VersionReq::parse(requires).map_err(|err| {
        usage(format!(
            "{}: `requires: {requires}` is not a version requirement such as \">=0.2\": {err}",
            location.display()
        ))
    })?;
    let ours = Version::parse(env!("CARGO_PKG_VERSION")).expect("the package version is semver");
    if !wanted.matches(&ours) {
        return Err(usage(format!(
            "pack `{}` requires scaffold {requires}, and this is scaffold {ours}: upgrade scaffold",
            manifest.name
        )));
    }
    Ok(())
}

/// The manifest as plain YAML data, to read `extends` before knowing the parent.
fn parse_yaml(location: &Path, bytes: &[u8]) -> Result<Value> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| usage(format!("{} is not UTF-8 text", location.display())))?;
    serde_saphyr::from_str(text).map_err(|err| invalid(location, &err.to_string()))
}

fn invalid(location: &Path, reason: &str) -> anyhow::Error {
    // The parser's first line has the position and the reason; the rest is a source excerpt.
    let first = reason.lines().next().unwrap_or(reason);
    let first = first.split(" --> ").next().unwrap_or(first);
    let reason = first.strip_prefix("error: ").unwrap_or(first).trim();
    usage(format!(
        "{} is not a valid pack manifest: {reason}",
        location.display()
    ))
}

/// Parses a manifest's bytes; every failure is one line naming the file.
pub(crate) fn parse_manifest(location: &Path, bytes: &[u8]) -> Result<Manifest> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| usage(format!("{} is not UTF-8 text", location.display())))?;
    serde_saphyr::from_str(text).map_err(|err| invalid(location, &err.to_string()))
}

/// Every file under `root` (which is `shown` canonicalised) except `.git`, as (relative
/// `/`-separated path, bytes), sorted by path.
fn read_tree(shown: &Path, root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut tree = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || entry.file_name() != ".git");
    for entry in walker {
        let entry = entry.map_err(|err| {
            let at = err
                .path()
                .map(|p| display_in(shown, root, p))
                .unwrap_or_else(|| shown.display().to_string());
            if err.loop_ancestor().is_some() {
                usage(format!("{at} is a symlink loop inside the pack"))
            } else {
                usage(format!(
                    "reading {at}: {}",
                    err.io_error()
                        .map_or_else(|| err.to_string(), |io| io.to_string())
                ))
            }
        })?;
        let shown_path = display_in(shown, root, entry.path());
        // Symlinks are followed, but never out of the pack: the pack would otherwise read
        // (and copy into projects) files its author never shipped.
        if entry.path_is_symlink() {
            let target = fs::canonicalize(entry.path())
                .with_context(|| format!("resolving the symlink {shown_path}"))?;
            if !target.starts_with(root) {
                return Err(usage(format!(
                    "{shown_path} is a symlink to {}, outside the pack: a pack may only link \
                     to its own files",
                    target.display()
                )));
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = relative_name(entry.path(), root, &shown_path)?;
        let size = entry
            .metadata()
            .with_context(|| format!("reading {shown_path}"))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(usage(format!(
                "{shown_path} is {} MiB; a pack file may be at most {} MiB",
                size.div_ceil(1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        let bytes = fs::read(entry.path()).with_context(|| format!("reading {shown_path}"))?;
        tree.push((relative, bytes));
    }
    tree.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(tree)
}

/// `path` (under `root`) as `/`-separated text relative to `root`; names that are not UTF-8
/// cannot be templates or recorded, so they are refused.
fn relative_name(path: &Path, root: &Path, shown: &str) -> Result<String> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut parts = Vec::new();
    for component in relative.components() {
        let part = component.as_os_str().to_str().ok_or_else(|| {
            usage(format!(
                "{shown} has a name that is not UTF-8: rename it (pack file names are templates)"
            ))
        })?;
        parts.push(part);
    }
    Ok(parts.join("/"))
}

/// `path` shown under the folder name the user gave rather than its canonical form.
fn display_in(shown: &Path, root: &Path, path: &Path) -> String {
    let under: PathBuf = match path.strip_prefix(root) {
        Ok(relative) => shown.join(relative),
        Err(_) => path.to_path_buf(),
    };
    under.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests;
