//! Build targets (`os/arch`): parsing, the defaults, and the names of their files.

use std::fmt;

use anyhow::Result;

use crate::error::usage;
use crate::suggest::did_you_mean;

/// What `scaffold build` builds when neither `--targets` nor `.scaffold.yaml` says.
pub const DEFAULT_TARGETS: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "darwin/amd64",
    "darwin/arm64",
    "windows/amd64",
];

/// One `GOOS/GOARCH` pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    pub os: String,
    pub arch: String,
}

impl Target {
    /// Parses `os/arch`; anything else is a usage error.
    pub fn parse(text: &str) -> Result<Target> {
        let text = text.trim();
        let valid_word = |w: &str| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        };
        match text.split_once('/') {
            Some((os, arch)) if valid_word(os) && valid_word(arch) => Ok(Target {
                os: os.to_owned(),
                arch: arch.to_owned(),
            }),
            _ => Err(usage(format!(
                "target `{text}` is not of the form OS/ARCH, e.g. linux/amd64 \
                 (`scaffold build --list-targets` lists them)"
            ))),
        }
    }

    pub fn is_windows(&self) -> bool {
        self.os == "windows"
    }

    /// `linux_amd64`, as the target appears in file names.
    pub fn slug(&self) -> String {
        format!("{}_{}", self.os, self.arch)
    }

    /// The executable's file name: Windows wants `.exe`.
    pub fn executable(&self, binary: &str) -> String {
        if self.is_windows() {
            format!("{binary}.exe")
        } else {
            binary.to_owned()
        }
    }

    /// `.zip` for Windows, where it opens without extra tools; `.tar.gz` elsewhere,
    /// which keeps the executable bit.
    pub fn archive_extension(&self) -> &'static str {
        if self.is_windows() { "zip" } else { "tar.gz" }
    }

    /// `NAME_VERSION_OS_ARCH.EXT`, the name most Go release tooling gives archives.
    pub fn archive_name(&self, name: &str, version: &str) -> String {
        format!(
            "{name}_{version}_{}.{}",
            self.slug(),
            self.archive_extension()
        )
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)
    }
}

/// Parses a target list, dropping blanks and repeats but keeping the order given.
pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<Vec<Target>> {
    let mut targets: Vec<Target> = Vec::new();
    for item in items {
        let item = item.as_ref();
        if item.trim().is_empty() {
            continue;
        }
        let target = Target::parse(item)?;
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    if targets.is_empty() {
        return Err(usage(
            "no targets to build: name at least one, e.g. --targets linux/amd64",
        ));
    }
    Ok(targets)
}

/// The default targets.
pub fn defaults() -> Vec<Target> {
    parse_list(DEFAULT_TARGETS).expect("the default targets are valid")
}

/// Fails with a usage error naming every target `supported` (from `go tool dist list`)
/// does not hold, and listing the valid ones.
pub fn check_supported(targets: &[Target], supported: &[String]) -> Result<()> {
    let unknown: Vec<String> = targets
        .iter()
        .map(Target::to_string)
        .filter(|t| !supported.contains(t))
        .collect();
    let Some(first) = unknown.first() else {
        return Ok(());
    };
    let hint = did_you_mean(first, supported.iter().map(String::as_str));
    let names = unknown
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(usage(format!(
        "unknown target{} {names}{hint}: the installed Go builds {}",
        if unknown.len() == 1 { "" } else { "s" },
        supported.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_name_their_files() {
        let windows = Target::parse(" windows/amd64 ").unwrap();
        assert_eq!(windows.to_string(), "windows/amd64");
        assert_eq!(windows.executable("hc"), "hc.exe");
        assert_eq!(
            windows.archive_name("hc", "1.2.0"),
            "hc_1.2.0_windows_amd64.zip"
        );
        let linux = Target::parse("linux/arm64").unwrap();
        assert_eq!(linux.executable("hc"), "hc");
        assert_eq!(
            linux.archive_name("hc", "1.2.0"),
            "hc_1.2.0_linux_arm64.tar.gz"
        );
        for bad in ["linux", "linux/", "/amd64", "Linux/amd64", "linux/amd64/v2"] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_drop_repeats_and_blanks() {
        let targets = parse_list(&["linux/amd64", "", "darwin/arm64", "linux/amd64"]).unwrap();
        assert_eq!(targets.len(), 2);
        assert!(parse_list(&[""]).is_err());
        assert_eq!(defaults().len(), 5);
    }

    #[test]
    fn unknown_targets_list_the_valid_ones() {
        let supported = vec!["linux/amd64".to_owned(), "linux/arm64".to_owned()];
        let targets = parse_list(&["linux/amd64", "linux/amd46"]).unwrap();
        let err = check_supported(&targets, &supported)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`linux/amd46`"), "{err}");
        assert!(err.contains("did you mean `linux/amd64`?"), "{err}");
        assert!(err.contains("linux/amd64, linux/arm64"), "{err}");
        assert!(check_supported(&targets[..1], &supported).is_ok());
    }
}
