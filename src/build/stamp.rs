//! The version, commit and date stamped into binaries, and the timestamp archives carry.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::Result;

use crate::error::usage;

/// The version when neither `--version` nor a git tag gives one.
pub const FALLBACK_VERSION: &str = "0.0.0-dev";

/// Appended to the version of a working tree with uncommitted changes.
pub const DIRTY_SUFFIX: &str = "-dirty";

/// What `-X main.version/commit/date` set, and the time every archived file is dated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Without a leading `v`: `1.2.0` for the tag `v1.2.0`.
    pub version: String,
    /// The full commit hash, or `none` outside git.
    pub commit: String,
    /// UTC, RFC 3339 (`2026-01-02T03:04:05Z`), or `unknown`.
    pub date: String,
    /// Seconds since the epoch: `SOURCE_DATE_EPOCH`, else the commit time, else 0.
    pub epoch: u64,
    /// The working tree had uncommitted changes, so `version` ends in `-dirty`.
    pub dirty: bool,
}

impl Stamp {
    /// Resolves the stamp for the project in `dir`. `version` is `--version`;
    /// `source_date_epoch` is the environment variable of that name. A working tree with
    /// uncommitted changes gets `-dirty` after the version, as `git describe --dirty` does,
    /// unless `allow_dirty`.
    pub fn resolve(
        dir: &Path,
        version: Option<&str>,
        source_date_epoch: Option<&str>,
        allow_dirty: bool,
    ) -> Result<Stamp> {
        let pinned = source_date_epoch
            .map(|text| {
                text.trim().parse::<u64>().map_err(|_| {
                    usage(format!(
                        "SOURCE_DATE_EPOCH must be a number of seconds, not `{text}`"
                    ))
                })
            })
            .transpose()?;
        let mut version = match version {
            Some(given) => normalize_version(given)?,
            None => git(dir, &["describe", "--tags"])
                .and_then(|described| normalize_version(&described).ok())
                .unwrap_or_else(|| FALLBACK_VERSION.to_owned()),
        };
        // `--always` answers even without tags; git only looks at tracked files.
        let dirty = !allow_dirty
            && git(dir, &["describe", "--always", "--dirty"])
                .is_some_and(|described| described.ends_with(DIRTY_SUFFIX));
        if dirty && !version.ends_with(DIRTY_SUFFIX) {
            version.push_str(DIRTY_SUFFIX);
        }
        let head = git(dir, &["log", "-1", "--format=%H %ct"]);
        let (commit, committed) = match head.as_deref().and_then(|h| h.split_once(' ')) {
            Some((hash, time)) => (hash.to_owned(), time.parse::<u64>().ok()),
            None => ("none".to_owned(), None),
        };
        let epoch = pinned.or(committed);
        Ok(Stamp {
            version,
            commit,
            date: epoch.map_or_else(|| "unknown".to_owned(), rfc3339),
            epoch: epoch.unwrap_or(0),
            dirty,
        })
    }
}

/// Drops a leading `v` (`v1.2.0` → `1.2.0`), as Go release tooling names archives, and
/// refuses characters that do not belong in a file name or a linker flag.
pub fn normalize_version(text: &str) -> Result<String> {
    let text = text.trim();
    let version = match text.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => text,
    };
    let valid = version.starts_with(|c: char| c.is_ascii_alphanumeric())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c));
    if valid {
        Ok(version.to_owned())
    } else {
        Err(usage(format!(
            "version `{text}` may hold only letters, digits and . _ + -, \
             starting with a letter or digit, e.g. 1.2.0 or v1.3.0-rc.1"
        )))
    }
}

/// The trimmed output of a git command in `dir`, or `None` when git is absent or fails
/// (no repository, no commits, no tags).
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = crate::verbosity::traced(
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null()),
    )
    .output()
    .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}

/// `2026-01-02T03:04:05Z` for a time in seconds since the epoch.
pub fn rfc3339(epoch: u64) -> String {
    let (year, month, day, hour, minute, second) = civil(epoch);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// The UTC calendar date and time of `epoch`: (year, month, day, hour, minute, second).
pub fn civil(epoch: u64) -> (u64, u64, u64, u64, u64, u64) {
    let days = epoch / 86_400;
    let secs = epoch % 86_400;
    // Howard Hinnant's days-to-civil algorithm, for days on or after 1970-01-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day, secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_lose_a_leading_v_and_keep_the_rest() {
        assert_eq!(normalize_version("v1.2.0").unwrap(), "1.2.0");
        assert_eq!(normalize_version("1.3.0-rc.1").unwrap(), "1.3.0-rc.1");
        assert_eq!(
            normalize_version("v1.2.0-3-gabc1234").unwrap(),
            "1.2.0-3-gabc1234"
        );
        assert_eq!(normalize_version("vnext").unwrap(), "vnext");
        for bad in ["", "1.2 beta", "../1", "-1", "1/2", "1\"2"] {
            assert!(normalize_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_are_utc_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_323_045), "2026-01-02T03:04:05Z");
    }

    #[test]
    fn outside_git_the_stamp_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp::resolve(dir.path(), None, Some("1767323045"), false).unwrap();
        assert_eq!(stamp.version, FALLBACK_VERSION);
        assert_eq!(stamp.commit, "none");
        assert_eq!(stamp.date, "2026-01-02T03:04:05Z");
        assert_eq!(stamp.epoch, 1_767_323_045);
        let stamp = Stamp::resolve(dir.path(), Some("v2.0.0"), None, false).unwrap();
        assert_eq!(
            (stamp.version.as_str(), stamp.date.as_str()),
            ("2.0.0", "unknown")
        );
        assert!(Stamp::resolve(dir.path(), None, Some("yesterday"), false).is_err());
        assert!(!stamp.dirty);
    }
}
