//! Packs: a manifest plus a tree of template files, and the catalog of built-in ones.

mod embedded;
pub mod manifest;
mod validate;

use std::borrow::Cow;

use anyhow::Result;

pub use embedded::{builtin_catalog, builtin_partials, globals};
pub use manifest::{Manifest, Variable, VariableKind};
pub use validate::validate;

use crate::error::usage;
use crate::suggest::did_you_mean;

/// Where a pack came from; recorded in `.scaffold.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackSource {
    /// Embedded in the scaffold binary.
    Builtin,
}

impl PackSource {
    /// How the source is written in `.scaffold.yaml`.
    pub fn describe(&self) -> String {
        match self {
            PackSource::Builtin => "builtin".to_owned(),
        }
    }
}

/// One file of a pack's template tree.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Path relative to the pack's `files/` directory, `/`-separated, itself a template.
    pub path: String,
    pub contents: Cow<'static, [u8]>,
}

/// A loaded pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub manifest: Manifest,
    pub source: PackSource,
    /// Sorted by path so rendering is deterministic.
    pub files: Vec<TemplateFile>,
}

impl Pack {
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// The variable named `name`, if the pack declares it.
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.manifest.variables.iter().find(|v| v.name == name)
    }
}

/// The packs scaffold knows about.
#[derive(Debug, Clone)]
pub struct Catalog {
    packs: Vec<Pack>,
}

impl Catalog {
    pub fn new(mut packs: Vec<Pack>) -> Self {
        packs.sort_by(|a, b| a.name().cmp(b.name()));
        Catalog { packs }
    }

    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    /// Looks a pack up by name; an unknown name is a usage error listing the known ones.
    pub fn get(&self, name: &str) -> Result<&Pack> {
        self.packs.iter().find(|p| p.name() == name).ok_or_else(|| {
            let names: Vec<&str> = self.packs.iter().map(Pack::name).collect();
            usage(format!(
                "unknown pack `{name}`{}; available packs: {} (see `scaffold list`)",
                did_you_mean(name, names.iter().copied()),
                names.join(", ")
            ))
        })
    }
}
