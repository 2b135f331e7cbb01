//! Incremental builds: a hash of everything a target's archive depends on, and a record per
//! target of the key its archive was built from, kept in `OUT/.cache/`.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::archive::write_atomic;
use super::checksums::hex;
use super::go::Toolchain;
use super::targets::Target;

/// Hashes every file under `dir`, in sorted order, except `dist/`, `.git/` and the
/// directories in `skip` (the output directory): the sources, go.mod and go.sum, and the
/// README and LICENSE that go into archives. Symbolic links count as their target path.
pub fn tree_hash(dir: &Path, skip: &[PathBuf]) -> Result<String> {
    let mut hasher = Sha256::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name();
            let skipped = (entry.depth() == 1 && name == "dist")
                || (entry.file_type().is_dir() && name == ".git")
                || skip.iter().any(|s| s == entry.path());
            !skipped
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let contents = if kind.is_symlink() {
            fs::read_link(entry.path())
                .with_context(|| format!("reading the link {}", entry.path().display()))?
                .to_string_lossy()
                .into_owned()
                .into_bytes()
        } else {
            fs::read(entry.path()).with_context(|| format!("reading {}", entry.path().display()))?
        };
        // Length-prefixed, so no two different trees feed the hasher the same bytes.
        let path = relative.to_string_lossy().replace('\\', "/");
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update([u8::from(kind.is_symlink())]);
        hasher.update((contents.len() as u64).to_le_bytes());
        hasher.update(&contents);
    }
    Ok(hex(&hasher.finalize()))
}

/// What one target's last successful build produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The hash of every input: sources, flags, stamp, Go version and target.
    pub key: String,
    pub archive: String,
    pub size: u64,
    pub sha256: String,
    /// The archive's modification time when it was written, in nanoseconds: a changed or
    /// replaced archive no longer matches, so it is rebuilt rather than trusted.
    pub modified: u128,
}

/// The cache directory of one output directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// Names target entries, so projects sharing an output directory keep their own.
    project: String,
}

impl Cache {
    pub fn new(out: &Path) -> Cache {
        Cache {
            dir: out.join(".cache"),
            project: String::new(),
        }
    }

    /// The cache of `project`'s targets in `out`.
    pub fn for_project(out: &Path, project: &str) -> Cache {
        Cache {
            project: project.to_owned(),
            ..Cache::new(out)
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry_path(&self, target: &Target) -> PathBuf {
        if self.project.is_empty() {
            self.dir.join(format!("{}.json", target.slug()))
        } else {
            self.dir
                .join(format!("{}_{}.json", self.project, target.slug()))
        }
    }

    /// The entry for `target` when it was built from `key` and its archive in `out` is
    /// still the one that build wrote.
    pub fn lookup(&self, target: &Target, key: &str, out: &Path) -> Option<Entry> {
        let text = fs::read(self.entry_path(target)).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        if entry.key != key {
            return None;
        }
        let metadata = fs::metadata(out.join(&entry.archive)).ok()?;
        (metadata.len() == entry.size && modified(&metadata) == Some(entry.modified))
            .then_some(entry)
    }

    /// Records a successful build of `target`; `archive` is the path it was written to.
    pub fn store(&self, target: &Target, mut entry: Entry, archive: &Path) -> Result<()> {
        let metadata =
            fs::metadata(archive).with_context(|| format!("reading {}", archive.display()))?;
        entry.modified = modified(&metadata).unwrap_or_default();
        let json = serde_json::to_vec_pretty(&entry)?;
        write_atomic(&self.entry_path(target), &json)
    }

    /// Forgets `target`, after a failed build.
    pub fn forget(&self, target: &Target) -> Result<()> {
        remove_if_present(&self.entry_path(target))
    }

    /// The targets `go tool dist list` printed for `toolchain`, if remembered: an up-to-date
    /// build then starts no `go` process but `go env`.
    pub fn remembered_targets(&self, toolchain: &Toolchain) -> Option<Vec<String>> {
        let text = fs::read(self.dir.join(TARGETS_FILE)).ok()?;
        let remembered: RememberedTargets = serde_json::from_slice(&text).ok()?;
        (remembered.version == toolchain.version && remembered.root == toolchain.root)
            .then_some(remembered.targets)
    }

    /// Remembers `targets` for `toolchain` (per Go version and GOROOT).
    pub fn remember_targets(&self, toolchain: &Toolchain, targets: &[String]) -> Result<()> {
        let remembered = RememberedTargets {
            version: toolchain.version.clone(),
            root: toolchain.root.clone(),
            targets: targets.to_vec(),
        };
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        write_atomic(
            &self.dir.join(TARGETS_FILE),
            &serde_json::to_vec_pretty(&remembered)?,
        )
    }
}

const TARGETS_FILE: &str = "go-targets.json";

#[derive(Serialize, Deserialize)]
struct RememberedTargets {
    version: String,
    root: PathBuf,
    targets: Vec<String>,
}

fn modified(metadata: &fs::Metadata) -> Option<u128> {
    let time = metadata.modified().ok()?;
    Some(time.duration_since(UNIX_EPOCH).ok()?.as_nanos())
}

pub(crate) fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != ErrorKind::NotFound => {
            Err(err).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_hash_follows_contents_and_ignores_dist_and_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("main.go"), "package main\n").unwrap();
        fs::create_dir_all(root.join("dist/.cache")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::create_dir_all(root.join("out")).unwrap();
        let skip = [root.join("out")];
        let before = tree_hash(root, &skip).unwrap();
        fs::write(root.join("dist/x.tar.gz"), "archive").unwrap();
        fs::write(root.join(".git/HEAD"), "ref").unwrap();
        fs::write(root.join("out/y.zip"), "archive").unwrap();
        assert_eq!(tree_hash(root, &skip).unwrap(), before);
        fs::write(root.join("main.go"), "package main // changed\n").unwrap();
        assert_ne!(tree_hash(root, &skip).unwrap(), before);
    }

    #[test]
    fn entries_are_found_only_for_the_same_key_and_archive() {
        let out = tempfile::tempdir().unwrap();
        let cache = Cache::new(out.path());
        let target = Target::parse("linux/amd64").unwrap();
        let archive = out.path().join("a.tar.gz");
        fs::create_dir_all(cache.dir()).unwrap();
        fs::write(&archive, "archive").unwrap();
        let entry = Entry {
            key: "k1".into(),
            archive: "a.tar.gz".into(),
            size: 7,
            sha256: "00".into(),
            modified: 0,
        };
        cache.store(&target, entry, &archive).unwrap();
        assert!(cache.lookup(&target, "k1", out.path()).is_some());
        assert!(cache.lookup(&target, "k2", out.path()).is_none());
        fs::write(&archive, "other!!").unwrap();
        let touched = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        fs::File::options()
            .write(true)
            .open(&archive)
            .unwrap()
            .set_modified(touched)
            .unwrap();
        assert!(cache.lookup(&target, "k1", out.path()).is_none());
        cache.forget(&target).unwrap();
        cache.forget(&target).unwrap();
    }
}
