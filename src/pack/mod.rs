//! Packs: a manifest plus a tree of template files, and the catalog of built-in ones.

mod compose;
mod embedded;
mod extends;
mod hash;
pub mod hooks;
pub mod installed;
mod local;
pub mod manifest;
mod open;
pub mod release;
pub mod remote;
pub mod source;
mod validate;

use std::borrow::Cow;
use std::path::PathBuf;

use anyhow::Result;

pub use compose::{compose, offered, select_components};
pub use embedded::{
    builtin_catalog, builtin_partials, collect_files as collect_embedded_files, common_variables,
    globals,
};
pub use extends::find_parent;
pub use hash::content_hash;
pub use installed::catalog;
pub use local::{MAX_FILE_BYTES, load_dir};
pub use manifest::{Manifest, PackKind, Service, Variable, VariableKind};
pub use open::{open, open_git};
pub use validate::validate;

use crate::error::usage;
use crate::suggest::did_you_mean;

/// Where a pack came from; recorded in `.scaffold.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackSource {
    /// Embedded in the scaffold binary.
    Builtin,
    /// A folder on disk, as given (made absolute).
    Directory { path: PathBuf },
    /// A folder of a git repository at one commit.
    Git {
        url: String,
        /// The tag, branch or commit asked for; the default branch when absent.
        reference: Option<String>,
        /// The full SHA the ref pointed to.
        commit: String,
        /// The pack's folder inside the repository.
        subdir: Option<String>,
    },
}

impl PackSource {
    /// How the kind of source is written in `.scaffold.yaml`.
    pub fn describe(&self) -> String {
        match self {
            PackSource::Builtin => "builtin".to_owned(),
            PackSource::Directory { .. } => "directory".to_owned(),
            PackSource::Git { .. } => "git".to_owned(),
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
    /// The pack's own partials (`partials/NAME.hbs` registered as `NAME`), sorted by name;
    /// they shadow the shared partials of the same name for this pack only.
    pub partials: Vec<(String, String)>,
    /// sha256 over the pack tree's sorted paths and bytes (see [`content_hash`]).
    pub content_hash: String,
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

    /// Every pack and component, by name.
    pub fn all(&self) -> &[Pack] {
        &self.packs
    }

    /// Every project pack, by name.
    pub fn packs(&self) -> Vec<&Pack> {
        self.of_kind(PackKind::Project)
    }

    /// Every component, by name.
    pub fn components(&self) -> Vec<&Pack> {
        self.of_kind(PackKind::Component)
    }

    fn of_kind(&self, kind: PackKind) -> Vec<&Pack> {
        self.packs
            .iter()
            .filter(|p| p.manifest.kind == kind)
            .collect()
    }

    /// Looks a project pack up by name; an unknown name is a usage error listing the known ones.
    pub fn get(&self, name: &str) -> Result<&Pack> {
        self.find(PackKind::Project, name, "pack")
    }

    /// Looks a component up by name; an unknown name is a usage error listing the known ones.
    pub fn component(&self, name: &str) -> Result<&Pack> {
        self.find(PackKind::Component, name, "component")
    }

    fn find(&self, kind: PackKind, name: &str, noun: &str) -> Result<&Pack> {
        let candidates = self.of_kind(kind);
        candidates
            .iter()
            .find(|p| p.name() == name)
            .copied()
            .ok_or_else(|| {
                let names: Vec<&str> = candidates.iter().map(|p| p.name()).collect();
                usage(format!(
                    "unknown {noun} `{name}`{}; available {noun}s: {} (see `scaffold list`)",
                    did_you_mean(name, names.iter().copied()),
                    names.join(", ")
                ))
            })
    }
}
