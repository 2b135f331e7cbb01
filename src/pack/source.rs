//! What a user may write to name a pack: a name, a folder, or a git repository.

use std::path::{Component, Path, PathBuf};

use anyhow::Result;

use crate::error::usage;

/// A parsed pack argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackSpec {
    /// An embedded or installed pack.
    Name(String),
    /// A pack folder.
    Dir(PathBuf),
    Git(GitSpec),
}

/// A pack in a git repository: `URL[//SUBDIR][#REF]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitSpec {
    /// What `git clone` is given (`gh:`/`gl:` shorthands expanded).
    pub url: String,
    /// The tag, branch or commit asked for; the default branch when absent.
    pub reference: Option<String>,
    /// The pack's folder inside the repository.
    pub subdir: Option<String>,
}

const GIT_PREFIXES: [&str; 6] = ["https://", "http://", "ssh://", "git://", "file://", "git@"];

impl PackSpec {
    /// Reads a pack argument. Anything that looks like a path (`./x`, `../x`, `/x`, `~/x`, or
    /// a name with a slash) is a folder; URLs, `git@host:…` and `gh:`/`gl:` are git.
    pub fn parse(text: &str) -> Result<Self> {
        if let Some(rest) = text.strip_prefix("gh:") {
            return git(text, rest, "https://github.com/");
        }
        if let Some(rest) = text.strip_prefix("gl:") {
            return git(text, rest, "https://gitlab.com/");
        }
        if GIT_PREFIXES.iter().any(|p| text.starts_with(p)) {
            return git(text, text, "");
        }
        if let Some(home_relative) = text.strip_prefix("~/") {
            let home = dirs::home_dir()
                .ok_or_else(|| usage(format!("cannot expand `~` in `{text}`: no home folder")))?;
            return Ok(PackSpec::Dir(home.join(home_relative)));
        }
        let looks_like_path = text.contains('/')
            || text.contains(std::path::MAIN_SEPARATOR)
            || text.starts_with('.')
            || Path::new(text).is_absolute();
        if looks_like_path {
            Ok(PackSpec::Dir(PathBuf::from(text)))
        } else {
            Ok(PackSpec::Name(text.to_owned()))
        }
    }
}

/// Splits `URL[//SUBDIR][#REF]`; `prefix` turns `owner/repo` shorthands into URLs.
fn git(original: &str, text: &str, prefix: &str) -> Result<PackSpec> {
    let (rest, reference) = match text.rsplit_once('#') {
        Some((rest, reference)) => (rest, Some(reference.to_owned())),
        None => (text, None),
    };
    if reference.as_deref() == Some("") {
        return Err(usage(format!(
            "`{original}` has an empty ref after `#`: write a tag, branch or commit, or leave out `#`"
        )));
    }
    // The subfolder separator is a `//` after the scheme's own `://`.
    let body_start = rest.find("://").map_or(0, |i| i + 3);
    let (location, subdir) = match rest[body_start..].find("//") {
        Some(i) => {
            let (location, subdir) = rest.split_at(body_start + i);
            (location, Some(subdir[2..].trim_end_matches('/').to_owned()))
        }
        None => (rest, None),
    };
    if let Some(subdir) = &subdir {
        let path = Path::new(subdir);
        let inside =
            !subdir.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            return Err(usage(format!(
                "`{original}`: the folder after `//` must be a relative path inside the repository, \
                 without `..`"
            )));
        }
    }
    let url = if prefix.is_empty() {
        location.to_owned()
    } else {
        let shorthand = location.trim_end_matches(".git");
        if shorthand.split('/').filter(|s| !s.is_empty()).count() != 2 {
            return Err(usage(format!(
                "`{original}`: write the shorthand as {}OWNER/REPO",
                &original[..3]
            )));
        }
        format!("{prefix}{shorthand}.git")
    };
    if url.len() <= body_start.max(4) {
        return Err(usage(format!(
            "`{original}` is not a git URL: it names no repository"
        )));
    }
    Ok(PackSpec::Git(GitSpec {
        url,
        reference,
        subdir,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(url: &str, reference: Option<&str>, subdir: Option<&str>) -> PackSpec {
        PackSpec::Git(GitSpec {
            url: url.into(),
            reference: reference.map(Into::into),
            subdir: subdir.map(Into::into),
        })
    }

    #[test]
    fn every_form_parses() {
        let cases = [
            ("rest-api", PackSpec::Name("rest-api".into())),
            ("./my-pack", PackSpec::Dir("./my-pack".into())),
            ("packs/mine", PackSpec::Dir("packs/mine".into())),
            ("/abs/pack", PackSpec::Dir("/abs/pack".into())),
            (
                "https://h.example/o/r.git",
                git("https://h.example/o/r.git", None, None),
            ),
            (
                "https://h.example/o/r.git//packs/api#v1.2",
                git("https://h.example/o/r.git", Some("v1.2"), Some("packs/api")),
            ),
            (
                "git@h.example:o/r.git#main",
                git("git@h.example:o/r.git", Some("main"), None),
            ),
            ("gh:o/r", git("https://github.com/o/r.git", None, None)),
            (
                "gl:o/r#abc123",
                git("https://gitlab.com/o/r.git", Some("abc123"), None),
            ),
            (
                "file:///tmp/r.git//sub#v2",
                git("file:///tmp/r.git", Some("v2"), Some("sub")),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(PackSpec::parse(text).unwrap(), expected, "{text}");
        }
    }

    #[test]
    fn bad_forms_are_refused() {
        for (text, needle) in [
            ("gh:onlyowner", "OWNER/REPO"),
            ("https://h.example/r.git#", "empty ref"),
            ("https://h.example/r.git//../x", "without `..`"),
            ("https://", "names no repository"),
        ] {
            let err = PackSpec::parse(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
