//! The packs, partials and globals embedded in the binary from `templates/`.

use std::borrow::Cow;

use anyhow::{Context, Result};
use include_dir::{Dir, DirEntry, include_dir};
use serde_json::{Map, Value};

use super::{Catalog, Manifest, Pack, PackSource, TemplateFile, Variable, content_hash};

pub(super) static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

const MANIFEST: &str = "pack.yaml";
const FILES_DIR: &str = "files";
const PARTIALS_DIR: &str = "_partials";
const GLOBALS: &str = "globals.yaml";
const COMMON_VARIABLES: &str = "_common/variables.yaml";

/// Every embedded pack: each folder of `templates/` holding a `pack.yaml`.
pub fn builtin_catalog() -> Result<Catalog> {
    let mut packs = Vec::new();
    for dir in TEMPLATES.dirs() {
        let Some(manifest_file) = dir.get_file(dir.path().join(MANIFEST)) else {
            continue;
        };
        let location = manifest_file.path().display().to_string();
        let text = manifest_file
            .contents_utf8()
            .with_context(|| format!("reading built-in {location}: not UTF-8"))?;
        let manifest: Manifest =
            serde_saphyr::from_str(text).with_context(|| format!("parsing built-in {location}"))?;
        let files_root = dir.path().join(FILES_DIR);
        let mut files = Vec::new();
        if let Some(files_dir) = dir.get_dir(&files_root) {
            collect_files(files_dir, &files_root, &mut files);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        // The whole pack folder, so a copy of it on disk hashes the same.
        let mut tree = Vec::new();
        collect_files(dir, dir.path(), &mut tree);
        let content_hash = content_hash(tree.iter().map(|f| (f.path.as_str(), &*f.contents)));
        packs.push(Pack {
            manifest,
            source: PackSource::Builtin,
            files,
            partials: Vec::new(),
            content_hash,
        });
    }
    Ok(Catalog::new(packs))
}

/// The shared partials: `_partials/license/MIT.hbs` is registered as `license/MIT`.
pub fn builtin_partials() -> Vec<(String, &'static str)> {
    let mut partials = Vec::new();
    if let Some(dir) = TEMPLATES.get_dir(PARTIALS_DIR) {
        let mut files = Vec::new();
        collect_files(dir, dir.path(), &mut files);
        for file in files {
            let Some(name) = file.path.strip_suffix(".hbs") else {
                continue;
            };
            if let Cow::Borrowed(bytes) = file.contents
                && let Ok(text) = std::str::from_utf8(bytes)
            {
                partials.push((name.to_owned(), text));
            }
        }
    }
    partials.sort();
    partials
}

/// The values every template sees, from `templates/globals.yaml`.
pub fn globals() -> Result<Map<String, Value>> {
    let Some(file) = TEMPLATES.get_file(GLOBALS) else {
        return Ok(Map::new());
    };
    let text = file
        .contents_utf8()
        .context("reading built-in globals.yaml: not UTF-8")?;
    serde_saphyr::from_str(text).context("parsing built-in globals.yaml")
}

/// The answers every component may use, for projects that scaffold did not generate.
pub fn common_variables() -> Result<Vec<Variable>> {
    let file = TEMPLATES
        .get_file(COMMON_VARIABLES)
        .context("the built-in _common/variables.yaml is missing")?;
    let text = file
        .contents_utf8()
        .context("reading built-in _common/variables.yaml: not UTF-8")?;
    serde_saphyr::from_str(text).context("parsing built-in _common/variables.yaml")
}

/// Every file under `dir` (embedded), with `/`-separated paths relative to `root`.
pub fn collect_files(
    dir: &'static Dir<'static>,
    root: &std::path::Path,
    out: &mut Vec<TemplateFile>,
) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(sub) => collect_files(sub, root, out),
            DirEntry::File(file) => {
                let relative = file.path().strip_prefix(root).unwrap_or(file.path());
                let path = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(TemplateFile {
                    path,
                    contents: Cow::Borrowed(file.contents()),
                });
            }
        }
    }
}
