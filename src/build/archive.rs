//! Reproducible archives (tar.gz and zip) and atomic writes of release files.
//!
//! The same entries and timestamp always give the same bytes: entries are sorted, every
//! file is dated `mtime` and owned by 0:0 with a fixed mode, and the gzip header carries
//! neither a time nor a file name.

use std::fs;
use std::io::{Cursor, Write};
use std::path::Path;

use anyhow::{Context, Result};
use flate2::{Compression, GzBuilder};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// One file in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the archive, with `/` separators.
    pub name: String,
    pub contents: Vec<u8>,
    pub executable: bool,
}

impl Entry {
    fn mode(&self) -> u32 {
        if self.executable { 0o755 } else { 0o644 }
    }
}

fn sorted(entries: &[Entry]) -> Vec<&Entry> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
}

/// A gzip-compressed tar of `entries`, each dated `mtime` (seconds since the epoch).
pub fn tar_gz(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    // Operating system 255 ("unknown") whatever the host, so the header is the same everywhere.
    let gzip = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::default());
    let mut tar = tar::Builder::new(gzip);
    for entry in sorted(entries) {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(entry.contents.len() as u64);
        header.set_mode(entry.mode());
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header
            .set_username("root")
            .and_then(|()| header.set_groupname("root"))
            .context("writing a tar header")?;
        tar.append_data(&mut header, &entry.name, entry.contents.as_slice())
            .with_context(|| format!("adding {} to a tar archive", entry.name))?;
    }
    let gzip = tar.into_inner().context("finishing a tar archive")?;
    gzip.finish().context("compressing a tar archive")
}

/// A deflated zip of `entries`, each dated `mtime` (clamped to the zip format's 1980–2107).
pub fn zip(entries: &[Entry], mtime: u64) -> Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let time = zip_time(mtime);
    for entry in sorted(entries) {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(time)
            .unix_permissions(entry.mode());
        zip.start_file(entry.name.as_str(), options)
            .with_context(|| format!("adding {} to a zip archive", entry.name))?;
        zip.write_all(&entry.contents)
            .with_context(|| format!("adding {} to a zip archive", entry.name))?;
    }
    let cursor = zip.finish().context("finishing a zip archive")?;
    Ok(cursor.into_inner())
}

fn zip_time(mtime: u64) -> DateTime {
    const MIN: u64 = 315_532_800; // 1980-01-01T00:00:00Z
    const MAX: u64 = 4_354_819_198; // 2107-12-31T23:59:58Z
    let (year, month, day, hour, minute, second) = super::stamp::civil(mtime.clamp(MIN, MAX));
    // Every component is in range after the clamp, so the conversions cannot fail.
    DateTime::from_date_and_time(
        year as u16,
        month as u8,
        day as u8,
        hour as u8,
        minute as u8,
        second as u8,
    )
    .unwrap_or_default()
}

/// Writes `contents` to a temporary file beside `path`, flushes it to disk and renames it
/// over `path`: readers see the old file or the whole new one, never a part.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    file.write_all(contents)
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates 0600; release files are meant to be shared.
        file.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    file.persist(path)
        .map_err(|err| err.error)
        .with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// [`write_atomic`], unless `path` already holds exactly `contents`; true when it wrote.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool> {
    match fs::read(path) {
        Ok(existing) if existing == contents => Ok(false),
        _ => write_atomic(path, contents).map(|()| true),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                name: "tool".into(),
                contents: b"\x7fELF binary".to_vec(),
                executable: true,
            },
            Entry {
                name: "README.md".into(),
                contents: b"# tool\n".to_vec(),
                executable: false,
            },
        ]
    }

    #[test]
    fn tarballs_are_reproducible_sorted_and_owned_by_root() {
        let first = tar_gz(&entries(), 1_767_323_045).unwrap();
        let mut reversed = entries();
        reversed.reverse();
        assert_eq!(first, tar_gz(&reversed, 1_767_323_045).unwrap());
        assert_ne!(first, tar_gz(&entries(), 0).unwrap());
        // No time (bytes 4..8) and OS "unknown" in the gzip header.
        assert_eq!(&first[4..8], &[0, 0, 0, 0]);
        assert_eq!(first[9], 255);

        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(first.as_slice()));
        let listed: Vec<(String, u32, u64, u64)> = archive
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let h = e.header();
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    h.mode().unwrap(),
                    h.mtime().unwrap(),
                    h.uid().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("README.md".into(), 0o644, 1_767_323_045, 0),
                ("tool".into(), 0o755, 1_767_323_045, 0)
            ]
        );
    }

    #[test]
    fn zips_are_reproducible_with_fixed_times() {
        let first = zip(&entries(), 0).unwrap();
        assert_eq!(first, zip(&entries(), 0).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(first)).unwrap();
        assert_eq!(archive.file_names().count(), 2);
        let mut tool = archive.by_name("tool").unwrap();
        assert_eq!(tool.unix_mode(), Some(0o100755));
        let time = tool.last_modified().unwrap();
        assert_eq!((time.year(), time.month(), time.day()), (1980, 1, 1));
        let mut contents = Vec::new();
        tool.read_to_end(&mut contents).unwrap();
        assert_eq!(contents, b"\x7fELF binary");
    }

    #[test]
    fn atomic_writes_replace_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("SHA256SUMS");
        assert!(write_if_changed(&path, b"one\n").unwrap());
        assert!(!write_if_changed(&path, b"one\n").unwrap());
        write_atomic(&path, b"two\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
    }
}
