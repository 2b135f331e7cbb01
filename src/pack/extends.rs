//! `extends: PARENT`: a pack built on another instead of forked from it.
//!
//! The child inherits the parent's variables, files, partials and components. It re-declares
//! a variable by name to change its default, prompt, help, validation or condition (the type
//! may be left out), replaces a file by shipping the same path, drops files with `remove:`,
//! and adds its own. Only one level is allowed, which keeps what a project came from legible.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use globset::{GlobBuilder, GlobMatcher};
use serde_json::Value;

use super::{Manifest, Pack, TemplateFile, builtin_catalog, installed, local};
use crate::error::usage;

/// The pack named `parent` that `child` extends: an installed pack, else an embedded one. A
/// pack with an embedded pack's name that extends that name builds on the embedded one.
pub fn find_parent(parent: &str, child: &str) -> Result<Pack> {
    if parent != child
        && let Some(dir) = installed::pack_folder(parent)?
    {
        return local::load_plain(&dir).map_err(|err| {
            let message = format!("{err:#}");
            if message.contains("only one level") {
                let cycle = if message.contains(&format!("extends `{child}`")) {
                    " (a cycle)"
                } else {
                    ""
                };
                usage(format!(
                    "pack `{child}` extends `{parent}`, which itself extends another pack{cycle}: \
                     only one level of extends is supported"
                ))
            } else {
                usage(format!(
                    "loading `{parent}`, which `{child}` extends: {message}"
                ))
            }
        });
    }
    let catalog = builtin_catalog()?;
    if let Some(pack) = catalog.all().iter().find(|p| p.name() == parent) {
        return Ok(pack.clone());
    }
    if parent == child {
        return Err(usage(format!(
            "pack `{child}` extends itself (a cycle): name the pack it builds on"
        )));
    }
    Err(usage(format!(
        "pack `{child}` extends `{parent}`, which is neither an embedded nor an installed pack: \
         install it with `scaffold pack install SOURCE` or fix `extends:`"
    )))
}

/// The child's manifest (as parsed YAML) laid over the parent's.
pub fn merge_manifest(location: &Path, child: &Value, parent: &Manifest) -> Result<Manifest> {
    let Some(child) = child.as_object() else {
        return Err(usage(format!(
            "{} is not a valid pack manifest: expected a mapping of keys",
            location.display()
        )));
    };
    let Value::Object(mut merged) = serde_json::to_value(parent)? else {
        unreachable!("a manifest serialises to a mapping");
    };
    for (key, value) in child {
        match key.as_str() {
            "variables" => {
                let variables = merge_variables(location, merged.get("variables"), value)?;
                merged.insert(key.clone(), variables);
            }
            // Rules and globs add up: the parent's still apply to the files it contributes.
            "files" | "raw" | "executable" => {
                let mut list = merged
                    .get(key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                list.extend(
                    value
                        .as_array()
                        .cloned()
                        .unwrap_or_else(|| vec![value.clone()]),
                );
                merged.insert(key.clone(), Value::Array(list));
            }
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    serde_json::from_value(Value::Object(merged)).map_err(|err| {
        usage(format!(
            "{} is not a valid pack manifest: {err}",
            location.display()
        ))
    })
}

/// The parent's variables with the child's re-declarations laid over them key by key, then
/// the child's new ones.
fn merge_variables(location: &Path, parent: Option<&Value>, child: &Value) -> Result<Value> {
    let mut variables: Vec<Value> = parent
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(declared) = child.as_array() else {
        return Err(usage(format!(
            "{} is not a valid pack manifest: `variables` must be a list",
            location.display()
        )));
    };
    for declaration in declared {
        let Some(fields) = declaration.as_object() else {
            return Err(usage(format!(
                "{} is not a valid pack manifest: each variable must be a mapping",
                location.display()
            )));
        };
        let name = fields.get("name");
        match variables.iter_mut().find(|v| v.get("name") == name) {
            Some(Value::Object(inherited)) => {
                for (key, value) in fields {
                    inherited.insert(key.clone(), value.clone());
                }
            }
            _ => variables.push(Value::Object(fields.clone())),
        }
    }
    Ok(Value::Array(variables))
}

/// A pack's own partials as (name, text).
pub type Partials = Vec<(String, String)>;

/// The parent's files less the removed and replaced ones, plus the child's; the parent's
/// partials less the ones the child ships under the same name, plus the child's.
pub fn merge_tree(
    parent: &Pack,
    remove: &[String],
    files: Vec<TemplateFile>,
    partials: Vec<(String, String)>,
) -> Result<(Vec<TemplateFile>, Partials)> {
    let mut patterns = Vec::new();
    for pattern in remove {
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|err| usage(format!("`remove: {pattern}` is not a valid glob: {err}")))?;
        patterns.push((pattern, glob.compile_matcher()));
    }
    for (pattern, glob) in &patterns {
        if !parent.files.iter().any(|f| covers(glob, &f.path)) {
            return Err(usage(format!(
                "`remove: {pattern}` matches no file of pack `{}`: check the path (it is \
                 relative to the parent's files/)",
                parent.name()
            )));
        }
    }
    let mut merged: Vec<TemplateFile> = parent
        .files
        .iter()
        .filter(|f| !patterns.iter().any(|(_, glob)| covers(glob, &f.path)))
        .filter(|f| !files.iter().any(|own| own.path == f.path))
        .cloned()
        .collect();
    merged.extend(files);
    merged.sort_by(|a, b| a.path.cmp(&b.path));

    let partials: BTreeMap<String, String> =
        parent.partials.iter().cloned().chain(partials).collect();
    Ok((merged, partials.into_iter().collect()))
}

/// A pattern on a folder (`internal/metrics`) covers everything below it.
fn covers(glob: &GlobMatcher, path: &str) -> bool {
    glob.is_match(path)
        || path
            .match_indices('/')
            .any(|(index, _)| glob.is_match(&path[..index]))
}
