//! `.scaffold.yaml`: what a project was generated from, so it can be extended or updated later.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pack::{Pack, PackSource};

mod edit;

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
    /// The sha256 of every file scaffold wrote, by path: `scaffold update` replaces a file
    /// whose hash still matches and merges one the user changed. Written by hand at the end
    /// of the document (see [`ProjectRecord::files_block`]) so no line outgrows yamllint's
    /// 80 columns.
    #[serde(default, skip_serializing)]
    pub files: BTreeMap<String, String>,
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
            files: BTreeMap::new(),
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
             # added and the project updated later.\n{body}{}",
            self.files_block()
        ))
    }

    /// The `files:` mapping, each hash on the line below its path, since a path and a
    /// sha256 on one line pass 80 columns; empty when no hashes are recorded.
    pub fn files_block(&self) -> String {
        if self.files.is_empty() {
            return String::new();
        }
        let mut block = String::from(
            "# The sha256 of each file as scaffold wrote it: `scaffold update` replaces the\n\
             # files still like this and merges its changes into the ones you edited.\n\
             files:\n",
        );
        for (path, hash) in &self.files {
            let plain = path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._/-+@".contains(c))
                && !path.starts_with(['-', '@']);
            let key = if plain {
                path.clone()
            } else {
                serde_json::to_string(path).unwrap_or_else(|_| path.clone())
            };
            block.push_str(&format!("  {key}:\n    {hash}\n"));
        }
        block
    }

    /// A record for a Go project that scaffold did not generate, holding only answers.
    pub fn without_pack(answers: Map<String, Value>) -> Self {
        ProjectRecord {
            scaffold_version: env!("CARGO_PKG_VERSION").to_owned(),
            pack: None,
            components: Vec::new(),
            answers,
            build: None,
            files: BTreeMap::new(),
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

    /// The text of `.scaffold.yaml` after changing the record from `old_text` to `self`:
    /// `old_text` edited where that is possible, so the user's comments stay.
    pub fn to_yaml_from(&self, old_text: &str) -> Result<String> {
        match edit::edit(old_text, self) {
            Some(text) => Ok(text),
            None => self.to_yaml(),
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
    fn file_hashes_round_trip_within_80_columns_and_survive_an_edit() {
        let mut record = ProjectRecord::without_pack(Map::new());
        let long = format!(
            "deploy/helm/{}/templates/tests/test-connection.yaml",
            "x".repeat(30)
        );
        record.files.insert(long.clone(), "a".repeat(64));
        record
            .files
            .insert("odd: name #1.txt".into(), "b".repeat(64));
        let text = record.to_yaml().unwrap();
        let back = ProjectRecord::from_yaml(&text).unwrap();
        assert_eq!(back, record);
        for line in text
            .lines()
            .filter(|l| l.trim_start().contains(' ') && !l.starts_with('#'))
        {
            assert!(line.len() <= 80, "{line}");
        }
        let commented = text.replace("answers:", "# the client asked for this\nanswers:");
        record.files.insert("new.txt".into(), "c".repeat(64));
        record.files.remove(&long);
        let edited = record.to_yaml_from(&commented).unwrap();
        assert!(edited.contains("# the client asked for this"), "{edited}");
        assert_eq!(ProjectRecord::from_yaml(&edited).unwrap(), record);
        assert_eq!(
            edited.matches("# The sha256 of each file").count(),
            1,
            "{edited}"
        );
    }

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
