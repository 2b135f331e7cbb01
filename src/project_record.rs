//! `.scaffold.yaml`: what a project was generated from, so it can be extended or updated later.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pack::Pack;

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
}

/// Which pack, at which version and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackRef {
    pub name: String,
    pub version: String,
    /// `builtin` for packs embedded in scaffold.
    pub source: String,
}

impl ProjectRecord {
    pub fn new(pack: &Pack, answers: Map<String, Value>) -> Self {
        ProjectRecord {
            scaffold_version: env!("CARGO_PKG_VERSION").to_owned(),
            pack: Some(PackRef {
                name: pack.name().to_owned(),
                version: pack.manifest.version.clone(),
                source: pack.source.describe(),
            }),
            components: Vec::new(),
            answers,
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
        }
    }

    pub fn from_yaml(text: &str) -> Result<Self> {
        serde_saphyr::from_str(text).context("parsing .scaffold.yaml")
    }
}
