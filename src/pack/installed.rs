//! Installed packs: copies kept in the user data dir, seen by `new` and `list` like embedded
//! ones. Each lives in `PACKS/NAME/pack/`, with `PACKS/NAME/install.yaml` saying where it
//! came from, so projects record the original source and commit, not the copy.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::source::PackSpec;
use super::{Catalog, Pack, PackSource, builtin_catalog, load_dir, remote};
use crate::error::usage;

const RECORD: &str = "install.yaml";
const PACK_DIR: &str = "pack";

/// Where installed packs live: `SCAFFOLD_PACKS_DIR`, else the user data dir.
pub fn packs_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SCAFFOLD_PACKS_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|dir| dir.join("scaffold").join("packs"))
        .context("no user data folder is known here: set SCAFFOLD_PACKS_DIR")
}

/// Where an installed pack came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// What was given to `scaffold pack install`.
    pub given: String,
    /// `directory` or `git`.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdir: Option<String>,
}

impl Origin {
    fn of(given: &str, source: &PackSource) -> Self {
        let mut origin = Origin {
            given: given.to_owned(),
            source: source.describe(),
            path: None,
            url: None,
            reference: None,
            commit: None,
            subdir: None,
        };
        match source {
            PackSource::Builtin => {}
            PackSource::Directory { path } => origin.path = Some(path.clone()),
            PackSource::Git {
                url,
                reference,
                commit,
                subdir,
            } => {
                origin.url = Some(url.clone());
                origin.reference.clone_from(reference);
                origin.commit = Some(commit.clone());
                origin.subdir.clone_from(subdir);
            }
        }
        origin
    }

    fn source(&self) -> PackSource {
        match (&self.url, &self.commit, &self.path) {
            (Some(url), Some(commit), _) => PackSource::Git {
                url: url.clone(),
                reference: self.reference.clone(),
                commit: commit.clone(),
                subdir: self.subdir.clone(),
            },
            (_, _, Some(path)) => PackSource::Directory { path: path.clone() },
            _ => PackSource::Builtin,
        }
    }
}

/// One installed pack.
#[derive(Debug, Clone)]
pub struct Installed {
    pub name: String,
    pub origin: Origin,
    pub pack: Pack,
}

/// The folder of the installed pack `name`, if there is one.
pub fn pack_folder(name: &str) -> Result<Option<PathBuf>> {
    if !valid_name(name) {
        return Ok(None);
    }
    let dir = packs_dir()?.join(name).join(PACK_DIR);
    Ok(dir.is_dir().then_some(dir))
}

/// Every installed pack, by name.
pub fn installed() -> Result<Vec<Installed>> {
    let root = packs_dir()?;
    let entries = match fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("reading {}", root.display())),
    };
    let mut packs = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", root.display()))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let record = entry.path().join(RECORD);
        if !valid_name(&name) || !record.is_file() {
            continue; // A half-finished install or a stray file, not a pack.
        }
        // One broken install (say, its parent was removed) must not stop every command.
        match load_installed(&name, &entry.path()) {
            Ok(pack) => packs.push(pack),
            Err(err) => crate::say!(
                "scaffold: warning: the installed pack `{name}` cannot be loaded and is left out: \
                 {err:#}; reinstall it or run `scaffold pack remove {name}`"
            ),
        }
    }
    packs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(packs)
}

fn load_installed(name: &str, dir: &Path) -> Result<Installed> {
    let text = fs::read_to_string(dir.join(RECORD))
        .with_context(|| format!("reading {}", dir.join(RECORD).display()))?;
    let origin: Origin = serde_saphyr::from_str(&text)
        .with_context(|| format!("parsing {}", dir.join(RECORD).display()))?;
    let mut pack = load_dir(&dir.join(PACK_DIR))?;
    pack.manifest.name = name.to_owned();
    pack.source = origin.source();
    Ok(Installed {
        name: name.to_owned(),
        origin,
        pack,
    })
}

/// Embedded packs and installed ones; an installed pack shadows an embedded one of its name.
pub fn catalog() -> Result<Catalog> {
    let builtin = builtin_catalog()?;
    let installed = installed()?;
    if installed.is_empty() {
        return Ok(builtin);
    }
    let mut packs: Vec<Pack> = builtin
        .all()
        .iter()
        .filter(|p| !installed.iter().any(|i| i.name == p.name()))
        .cloned()
        .collect();
    packs.extend(installed.into_iter().map(|i| i.pack));
    Ok(Catalog::new(packs))
}

/// Copies the pack `given` names into the packs folder as `name` (its own name by default),
/// replacing an earlier install of that name. Returns the installed pack.
pub fn install(given: &str, name: Option<&str>, refresh: bool) -> Result<Installed> {
    let (folder, source) = match PackSpec::parse(given)? {
        PackSpec::Dir(path) => (path, None),
        PackSpec::Name(name) if Path::new(&name).join("pack.yaml").is_file() => {
            (PathBuf::from(name), None)
        }
        PackSpec::Name(name) => {
            return Err(usage(format!(
                "`{name}` is not a folder or a git URL: install a pack from ./FOLDER, \
                 https://…/repo.git, git@host:owner/repo.git, gh:owner/repo or file://…"
            )));
        }
        PackSpec::Git(spec) => {
            let fetched = remote::fetch(&spec, refresh)?;
            let source = PackSource::Git {
                url: spec.url,
                reference: spec.reference,
                commit: fetched.commit,
                subdir: spec.subdir,
            };
            (fetched.dir, Some(source))
        }
    };
    let pack = load_dir(&folder)?;
    super::validate(&pack)?;
    let source = source.unwrap_or_else(|| pack.source.clone());
    let name = name.unwrap_or(pack.name()).to_owned();
    if !valid_name(&name) {
        return Err(usage(format!(
            "`{name}` cannot name an installed pack: use lowercase letters, digits and dashes"
        )));
    }
    let PackSource::Directory { path: root } = &pack.source else {
        unreachable!("load_dir loads folders");
    };
    let root_dir = packs_dir()?;
    fs::create_dir_all(&root_dir).with_context(|| format!("creating {}", root_dir.display()))?;
    // Built beside its final place and swapped in, so a failed install leaves the old one.
    let staging = tempfile::Builder::new()
        .prefix(".install-")
        .tempdir_in(&root_dir)
        .with_context(|| format!("creating a folder in {}", root_dir.display()))?;
    copy_pack(root, &staging.path().join(PACK_DIR))?;
    let origin = Origin::of(given, &source);
    let record = serde_saphyr::to_string(&origin).context("serialising install.yaml")?;
    fs::write(staging.path().join(RECORD), record).context("writing install.yaml")?;
    let target = root_dir.join(&name);
    if target.exists() {
        fs::remove_dir_all(&target).with_context(|| format!("removing {}", target.display()))?;
    }
    let staged = staging.keep();
    fs::rename(&staged, &target)
        .with_context(|| format!("moving the pack to {}", target.display()))?;
    load_installed(&name, &target)
}

/// Deletes the installed pack `name`.
pub fn remove(name: &str) -> Result<PathBuf> {
    let target = packs_dir()?.join(name);
    if !valid_name(name) || !target.join(RECORD).is_file() {
        let names: Vec<String> = installed()
            .map(|all| all.into_iter().map(|i| i.name).collect())
            .unwrap_or_default();
        return Err(usage(format!(
            "no installed pack is named `{name}`; installed: {} (see `scaffold pack list`)",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        )));
    }
    fs::remove_dir_all(&target).with_context(|| format!("removing {}", target.display()))?;
    Ok(target)
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Copies a pack folder (already loaded, so its symlinks stay inside it) as plain files.
fn copy_pack(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git")
    {
        let entry = entry.with_context(|| format!("reading {}", from.display()))?;
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)
                .with_context(|| format!("creating {}", target.display()))?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
