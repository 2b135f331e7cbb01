//! The template sets of earlier scaffold releases, kept in the binary so `scaffold update`
//! can render a project's pack exactly as the release that generated it did.
//!
//! `templates/_history/VERSION.txt` lists a release's `templates/` tree as `sha256  path`
//! lines; `templates/_history/blobs/` holds each distinct file once, by its sha256 (see
//! `scripts/record-template-history` and docs/update.md).

use std::borrow::Cow;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use super::embedded::TEMPLATES;
use super::{Catalog, Manifest, Pack, PackSource, TemplateFile, content_hash};

const HISTORY: &str = "_history";

/// One earlier release's `templates/` tree.
#[derive(Debug, Clone)]
pub struct Release {
    /// The scaffold version that shipped it.
    pub version: String,
    /// Every file, by path relative to `templates/`, sorted.
    files: Vec<(String, &'static [u8])>,
}

/// The versions with a recorded template set, oldest first.
pub fn releases() -> Vec<String> {
    let mut versions: Vec<String> = TEMPLATES
        .get_dir(HISTORY)
        .map(|dir| {
            dir.files()
                .filter_map(|f| f.path().file_name()?.to_str()?.strip_suffix(".txt"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by(|a, b| compare_versions(a, b));
    versions
}

/// The template set scaffold `version` shipped, if it is recorded.
pub fn release(version: &str) -> Result<Option<Release>> {
    let list_path = format!("{HISTORY}/{version}.txt");
    let Some(list) = TEMPLATES.get_file(&list_path) else {
        return Ok(None);
    };
    let text = list
        .contents_utf8()
        .with_context(|| format!("reading built-in {list_path}: not UTF-8"))?;
    let mut files = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((hash, path)) = line.split_once("  ") else {
            bail!("built-in {list_path}: malformed line `{line}`");
        };
        let blob_path = format!("{HISTORY}/blobs/{}/{hash}", hash.get(..2).unwrap_or(""));
        let blob = TEMPLATES
            .get_file(&blob_path)
            .with_context(|| format!("built-in {list_path}: {path} has no stored contents"))?;
        files.push((path.to_owned(), blob.contents()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Some(Release {
        version: version.to_owned(),
        files,
    }))
}

/// The newest recorded release whose pack `name` has version `pack_version`, preferring
/// the release named `hint` (the scaffold version a project recorded).
pub fn release_with_pack(name: &str, pack_version: &str, hint: &str) -> Result<Option<Release>> {
    let mut candidates = releases();
    candidates.reverse();
    if let Some(at) = candidates.iter().position(|v| v == hint) {
        let preferred = candidates.remove(at);
        candidates.insert(0, preferred);
    }
    for version in candidates {
        let Some(release) = release(&version)? else {
            continue;
        };
        if release
            .pack_version(name)?
            .is_some_and(|v| v == pack_version)
        {
            return Ok(Some(release));
        }
    }
    Ok(None)
}

impl Release {
    fn file(&self, path: &str) -> Option<&'static [u8]> {
        self.files
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .map(|i| self.files[i].1)
    }

    /// The version of pack (or component) `name` in this release.
    pub fn pack_version(&self, name: &str) -> Result<Option<String>> {
        let path = format!("{name}/pack.yaml");
        let Some(bytes) = self.file(&path) else {
            return Ok(None);
        };
        Ok(Some(self.manifest(&path, bytes)?.version))
    }

    fn manifest(&self, path: &str, bytes: &[u8]) -> Result<Manifest> {
        let text = std::str::from_utf8(bytes)
            .with_context(|| format!("release {}: {path} is not UTF-8", self.version))?;
        serde_saphyr::from_str(text)
            .with_context(|| format!("release {}: parsing {path}", self.version))
    }

    /// Every pack and component of the release.
    pub fn catalog(&self) -> Result<Catalog> {
        let mut packs = Vec::new();
        for (path, bytes) in &self.files {
            let Some(folder) = path.strip_suffix("/pack.yaml") else {
                continue;
            };
            if folder.contains('/') {
                continue;
            }
            let manifest = self.manifest(path, bytes)?;
            let prefix = format!("{folder}/");
            let files_prefix = format!("{folder}/files/");
            let tree: Vec<(&str, &[u8])> = self
                .files
                .iter()
                .filter_map(|(p, b)| Some((p.strip_prefix(&prefix)?, *b)))
                .collect();
            let files = self
                .files
                .iter()
                .filter_map(|(p, b)| {
                    Some(TemplateFile {
                        path: p.strip_prefix(&files_prefix)?.to_owned(),
                        contents: Cow::Borrowed(*b),
                    })
                })
                .collect();
            packs.push(Pack {
                manifest,
                source: PackSource::Builtin,
                files,
                partials: Vec::new(),
                content_hash: content_hash(tree),
            });
        }
        Ok(Catalog::new(packs))
    }

    /// The shared partials of the release, named as `builtin_partials` names them.
    pub fn partials(&self) -> Vec<(String, &'static str)> {
        self.files
            .iter()
            .filter_map(|(path, bytes)| {
                let name = path.strip_prefix("_partials/")?.strip_suffix(".hbs")?;
                Some((name.to_owned(), std::str::from_utf8(bytes).ok()?))
            })
            .collect()
    }

    /// The release's `globals.yaml`.
    pub fn globals(&self) -> Result<Map<String, Value>> {
        let Some(bytes) = self.file("globals.yaml") else {
            return Ok(Map::new());
        };
        let text = std::str::from_utf8(bytes)
            .with_context(|| format!("release {}: globals.yaml is not UTF-8", self.version))?;
        serde_saphyr::from_str(text)
            .with_context(|| format!("release {}: parsing globals.yaml", self.version))
    }
}

/// Orders `1.10.0` after `1.9.0`: numeric where both parts are numbers.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['.', '-'])
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_release_loads_and_its_packs_parse() {
        let versions = releases();
        assert!(versions.contains(&"0.1.0".to_owned()), "{versions:?}");
        for version in versions {
            let release = release(&version).unwrap().unwrap();
            let catalog = release.catalog().unwrap();
            assert!(!catalog.packs().is_empty(), "{version}");
            assert!(!release.partials().is_empty(), "{version}");
            assert!(release.globals().unwrap().contains_key("go_version"));
        }
    }

    #[test]
    fn the_release_holding_a_pack_version_is_found() {
        let found = release_with_pack("rest-api", "0.1.0", "0.1.0").unwrap();
        assert_eq!(found.unwrap().version, "0.1.0");
        assert!(
            release_with_pack("rest-api", "9.9.9", "0.1.0")
                .unwrap()
                .is_none()
        );
        assert!(release("0.0.0-never").unwrap().is_none());
    }

    /// A project records its pack's version; the release holding that version must render
    /// exactly what the project got, so changed templates need a new version.
    #[test]
    fn a_released_pack_version_never_changes_its_templates() {
        let current = crate::pack::builtin_catalog().unwrap();
        let partials = crate::pack::builtin_partials();
        let globals = crate::pack::globals().unwrap();
        for version in releases() {
            let release = release(&version).unwrap().unwrap();
            let old = release.catalog().unwrap();
            for pack in current.packs().into_iter().chain(current.components()) {
                let Some(same) = old
                    .packs()
                    .into_iter()
                    .chain(old.components())
                    .find(|p| p.name() == pack.name())
                else {
                    continue;
                };
                if same.manifest.version != pack.manifest.version {
                    continue;
                }
                let name = pack.name();
                let v = &pack.manifest.version;
                assert_eq!(
                    same.content_hash, pack.content_hash,
                    "templates/{name} changed since release {version} but is still version {v}: \
                     bump `version:` in templates/{name}/pack.yaml"
                );
                assert!(
                    release.partials() == partials && release.globals().unwrap() == globals,
                    "templates/_partials or globals.yaml changed since release {version}, which \
                     renders {name} {v}: bump the version of every pack and component"
                );
            }
        }
    }

    #[test]
    fn versions_sort_numerically() {
        let mut v = vec!["0.10.0", "0.9.1", "0.2.0"];
        v.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(v, ["0.2.0", "0.9.1", "0.10.0"]);
    }
}
