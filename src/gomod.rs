//! Reading a Go project's `go.mod`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::error::usage;

/// The module path declared in `dir/go.mod`. A directory without go.mod is not a Go
/// project: a usage error ending with `hint`, which says how to point at one.
pub fn module_path(dir: &Path, hint: &str) -> Result<String> {
    let path = dir.join("go.mod");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(usage(format!(
                "{} is not a Go project (it has no go.mod): {hint}",
                dir.display()
            )));
        }
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    text.lines()
        .find_map(|line| line.trim().strip_prefix("module "))
        .map(|module| module.trim().trim_matches('"').to_owned())
        .ok_or_else(|| usage(format!("{} has no `module` line", path.display())))
}
