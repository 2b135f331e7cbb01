//! `.scaffold.yaml`: what a project was generated from, so it can be extended or updated later.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pack::{Pack, PackSource};

/// The file name, at the project root.
pub const FILE_NAME: &str = ".scaffold.yaml";

/// The recorded pack, its version and source, components and answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectRecord {
    pub scaffold_version: String,
    /// The pack the project was generated from; absent for projects scaffold did not create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<PackRef>,
    /// Components added to the project, in the order they were added.
    #[serde(default)]
    pub components: Vec<String>,
    /// Every answer, including `year`, so re-rendering gives the same files.
    pub answers: Map<String, Value>,
    /// How `scaffold build` builds the project, when it differs from the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildSettings>,
}

/// The `build:` mapping: every key is optional and falls back to a default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
// A misspelt key would otherwise be ignored and the build silently use a default.
#[serde(deny_unknown_fields)]
pub struct BuildSettings {
    /// Targets as `os/arch` (default: Linux, macOS and Windows on amd64 and arm64, less
    /// windows/arm64).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// The main package (default `./cmd/<project_name>`, else `.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main: Option<String>,
    /// The binary's name (default: the project name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
    /// Linker flags added after the version stamps, e.g. `-X main.edition=pro`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldflags: Option<String>,
}

/// Which pack, at which version and from where, exactly enough to render it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackRef {
    pub name: String,
    pub version: String,
    /// `builtin` (pinned by `scaffold_version`), `directory` or `git`.
    pub source: String,
    /// The pack folder of a `directory` source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The repository of a `git` source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The tag, branch or commit asked for.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The full commit SHA the pack was rendered from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The pack's folder inside the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdir: Option<String>,
    /// sha256 of the pack tree (custom packs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
}

impl PackRef {
    /// How `pack` is recorded.
    pub fn of(pack: &Pack) -> Self {
        let mut recorded = PackRef {
            name: pack.name().to_owned(),
            version: pack.manifest.version.clone(),
            source: pack.source.describe(),
            path: None,
            url: None,
            reference: None,
            commit: None,
            subdir: None,
            content_hash: None,
        };
        match &pack.source {
            PackSource::Builtin => return recorded,
            PackSource::Directory { path } => recorded.path = Some(path.display().to_string()),
            PackSource::Git {
                url,
                reference,
                commit,
                subdir,
            } => {
                recorded.url = Some(url.clone());
                recorded.reference.clone_from(reference);
                recorded.commit = Some(commit.clone());
                recorded.subdir.clone_from(subdir);
            }
        }
        recorded.content_hash = Some(pack.content_hash.clone());
        recorded
    }

    /// Refuses to render `pack` over a project that recorded the same git commit with other
    /// contents: the repository was rewritten or the cache tampered with.
    pub fn check_pin(&self, pack: &Pack) -> Result<()> {
        let now = PackRef::of(pack);
        let same_commit = self.source == "git"
            && now.url == self.url
            && now.subdir == self.subdir
            && now.commit == self.commit;
        if let (true, Some(recorded), Some(found)) =
            (same_commit, &self.content_hash, &now.content_hash)
            && recorded != found
        {
            anyhow::bail!(
                "pack `{}` at commit {} has content hash {found}, but the project recorded {recorded}:                  the same commit must not change; check the repository and clear the cached copy                  (render with --refresh)",
                self.name,
                self.commit.as_deref().unwrap_or_default()
            );
        }
        Ok(())
    }
}

impl ProjectRecord {
    pub fn new(pack: &Pack, answers: Map<String, Value>) -> Self {
        ProjectRecord {
            scaffold_version: env!("CARGO_PKG_VERSION").to_owned(),
            pack: Some(PackRef::of(pack)),
            components: Vec::new(),
            answers,
            build: None,
        }
    }

    /// The file's contents, with a header saying what it is for.
    pub fn to_yaml(&self) -> Result<String> {
        // Laid out the way yamllint's defaults expect: indented lists, lines within 80 columns.
        let mut options = serde_saphyr::SerializerOptions::default();
        options.compact_list_indent = false;
        options.folded_wrap_chars = 56;
        let body = serde_saphyr::to_string_with_options(self, options)
            .context("serialising .scaffold.yaml")?;
        Ok(format!(
            "---\n\
             # Written by scaffold when this project was generated. Keep it under version\n\
             # control: it records the pack and the answers so that components can be\n\
             # added and the project updated later.\n{body}"
        ))
    }

    /// A record for a Go project that scaffold did not generate, holding only answers.
    pub fn without_pack(answers: Map<String, Value>) -> Self {
        ProjectRecord {
            scaffold_version: env!("CARGO_PKG_VERSION").to_owned(),
            pack: None,
            components: Vec::new(),
            answers,
            build: None,
        }
    }

    /// The record in `dir`, if the project has one.
    pub fn read(dir: &std::path::Path) -> Result<Option<Self>> {
        let path = dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_yaml(&text)
                .with_context(|| format!("reading {}", path.display()))
                .map(Some),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
        }
    }

    pub fn from_yaml(text: &str) -> Result<Self> {
        serde_saphyr::from_str(text).context("parsing .scaffold.yaml")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Map;

    use super::{BuildSettings, ProjectRecord};

    #[test]
    fn build_settings_round_trip_and_are_left_out_when_absent() {
        let mut record = ProjectRecord::without_pack(Map::new());
        assert!(!record.to_yaml().unwrap().contains("build:"));
        record.build = Some(BuildSettings {
            targets: vec!["linux/amd64".into(), "windows/arm64".into()],
            main: Some("./cmd/tool".into()),
            binary: None,
            ldflags: Some("-X main.edition=pro".into()),
        });
        let yaml = record.to_yaml().unwrap();
        assert_eq!(ProjectRecord::from_yaml(&yaml).unwrap(), record, "{yaml}");
    }

    #[test]
    fn misspelt_build_keys_are_refused() {
        let yaml = "scaffold_version: 0.1.0\nanswers: {}\nbuild:\n  target: [linux/amd64]\n";
        let err = ProjectRecord::from_yaml(yaml).unwrap_err();
        assert!(format!("{err:#}").contains("target"), "{err:#}");
    }
}
