//! What a build produced and how to check it: `SHA256SUMS` and `manifest.json`.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The checksum file's name, as release tooling and `sha256sum -c` users expect.
pub const SUMS_FILE: &str = "SHA256SUMS";
/// The manifest's name.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn file_sha256(path: &Path) -> Result<String> {
    let contents = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(sha256_hex(&contents))
}

/// One archive a build produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// The file name, in the output directory.
    pub file: String,
    /// `os/arch`.
    pub target: String,
    pub size: u64,
    pub sha256: String,
}

/// `dist/manifest.json`: the archives of the last build and what they were built from, then
/// every other release whose archives are still in the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub project: String,
    pub binary: String,
    pub version: String,
    pub commit: String,
    pub date: String,
    /// The timestamp of every file in the archives (seconds since the epoch).
    pub source_date_epoch: u64,
    pub go_version: String,
    pub scaffold_version: String,
    pub artifacts: Vec<Artifact>,
    /// Archives of other projects (a shared `--out`), other versions, or earlier builds of
    /// this version that a failed build kept; each a manifest without releases of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_releases: Vec<Manifest>,
}

impl Manifest {
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let mut json = serde_json::to_vec_pretty(self).context("serialising the manifest")?;
        json.push(b'\n');
        Ok(json)
    }

    /// The manifest in `out`, if there is a readable one.
    pub fn read(out: &Path) -> Option<Manifest> {
        let text = fs::read(out.join(MANIFEST_FILE)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// This release without the others.
    pub fn alone(&self) -> Manifest {
        Manifest {
            other_releases: Vec::new(),
            ..self.clone()
        }
    }

    /// This release, then the others, each alone.
    pub fn releases(&self) -> Vec<Manifest> {
        let mut releases = vec![self.alone()];
        releases.extend(self.other_releases.iter().map(Manifest::alone));
        releases
    }

    /// Every archive of every release: what `SHA256SUMS` lists.
    pub fn all_artifacts(&self) -> Vec<Artifact> {
        let mut all = self.artifacts.clone();
        for other in &self.other_releases {
            all.extend(other.all_artifacts());
        }
        all
    }

    /// Whether both describe one build: the same project, version, stamps and toolchain.
    pub fn same_build(&self, other: &Manifest) -> bool {
        (
            &self.project,
            &self.binary,
            &self.version,
            &self.commit,
            &self.date,
            self.source_date_epoch,
            &self.go_version,
        ) == (
            &other.project,
            &other.binary,
            &other.version,
            &other.commit,
            &other.date,
            other.source_date_epoch,
            &other.go_version,
        )
    }
}

/// `SHA256SUMS` in the format `sha256sum -c` reads: `<hex>  <file>`, sorted by file.
pub fn sums_file(artifacts: &[Artifact]) -> String {
    let mut sorted: Vec<&Artifact> = artifacts.iter().collect();
    sorted.sort_by(|a, b| a.file.cmp(&b.file));
    sorted
        .iter()
        .map(|a| format!("{}  {}\n", a.sha256, a.file))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_lowercase_hex() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sums_are_sorted_by_file_name() {
        let artifact = |file: &str, sha: char| Artifact {
            file: file.into(),
            target: String::new(),
            size: 0,
            sha256: sha.to_string().repeat(64),
        };
        let sums = sums_file(&[artifact("b.zip", 'b'), artifact("a.tar.gz", 'a')]);
        assert_eq!(
            sums,
            format!("{}  a.tar.gz\n{}  b.zip\n", "a".repeat(64), "b".repeat(64))
        );
    }
}
