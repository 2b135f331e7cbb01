//! Checks a pack manifest for mistakes a pack author can make, all at once.

use std::collections::HashSet;

use anyhow::{Result, bail};
use globset::Glob;
use regex::Regex;
use serde_json::Value;

use super::{Pack, PackKind, VariableKind};
use crate::answers::{BUILTINS, check, coerce};

/// Every problem found in `pack`'s manifest, or `Ok` when there are none.
pub fn validate(pack: &Pack) -> Result<()> {
    let problems = problems(pack);
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "pack `{}` is invalid:\n  - {}",
        pack.name(),
        problems.join("\n  - ")
    )
}

fn problems(pack: &Pack) -> Vec<String> {
    let manifest = &pack.manifest;
    let mut problems = Vec::new();
    let identifier = Regex::new("^[a-z_][a-z0-9_]*$").expect("static regex");
    let pack_name = Regex::new("^[a-z][a-z0-9-]*$").expect("static regex");

    if !pack_name.is_match(&manifest.name) {
        problems.push(format!(
            "name `{}` must be lowercase letters, digits and dashes",
            manifest.name
        ));
    }
    let is_project = manifest.kind == PackKind::Project;
    match pack.variable("project_name") {
        Some(v) if v.kind == VariableKind::String => {}
        Some(_) => problems.push("variable `project_name` must be a string".into()),
        None if is_project => {
            problems.push("a pack must declare the variable `project_name`".into())
        }
        None => {}
    }
    if !is_project && (manifest.service.possible() || !manifest.components.is_empty()) {
        problems.push("`service` and `components` belong in project packs, not components".into());
    }
    if is_project && manifest.services_only {
        problems.push("`services_only` belongs in components, not project packs".into());
    }

    let mut seen = HashSet::new();
    for var in &manifest.variables {
        let name = &var.name;
        if !seen.insert(name.as_str()) {
            problems.push(format!("variable `{name}` is declared twice"));
        }
        if !identifier.is_match(name) {
            problems.push(format!(
                "variable `{name}` must be lowercase letters, digits and underscores"
            ));
        }
        if BUILTINS.contains(&name.as_str()) {
            problems.push(format!(
                "variable `{name}` is a built-in and cannot be declared"
            ));
        }
        let has_choices = matches!(var.kind, VariableKind::Choice | VariableKind::MultiChoice);
        if has_choices && var.choices.is_empty() {
            problems.push(format!(
                "variable `{name}` is a {} without choices",
                var.kind.as_str()
            ));
        }
        if !has_choices && !var.choices.is_empty() {
            problems.push(format!(
                "variable `{name}` has choices but is a {}",
                var.kind.as_str()
            ));
        }
        if (var.min.is_some() || var.max.is_some()) && var.kind != VariableKind::Int {
            problems.push(format!(
                "variable `{name}` has min or max but is not an int"
            ));
        }
        if let Some(rule) = &var.validate
            && let Err(err) = Regex::new(&rule.regex)
        {
            problems.push(format!("variable `{name}` has an invalid regex: {err}"));
        }
        if let Some(default) = &var.default {
            let is_template = matches!(default, Value::String(s) if s.contains("{{"));
            let checked = coerce(var, default).and_then(|value| check(var, &value));
            if !is_template && let Err(err) = checked {
                problems.push(format!("variable `{name}` has a bad default: {err}"));
            }
        }
    }

    let globs = manifest
        .files
        .iter()
        .map(|rule| &rule.path)
        .chain(&manifest.raw)
        .chain(&manifest.executable);
    for glob in globs {
        if let Err(err) = Glob::new(glob) {
            problems.push(format!("invalid glob `{glob}`: {err}"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::builtin_catalog;

    #[test]
    fn every_builtin_pack_is_valid() {
        let catalog = builtin_catalog().unwrap();
        assert!(!catalog.packs().is_empty());
        for pack in catalog.packs() {
            validate(pack).unwrap();
        }
    }

    #[test]
    fn reports_every_problem() {
        let manifest = serde_saphyr::from_str(
            "name: Bad Name\ndescription: d\nversion: 0.1.0\nvariables:\n  \
             - {name: port, type: int, default: abc}\n  \
             - {name: port, type: choice}\n  \
             - {name: year, type: string, validate: {regex: '(', message: m}}\n",
        )
        .unwrap();
        let pack = Pack {
            manifest,
            source: crate::pack::PackSource::Builtin,
            partials: Vec::new(),
            content_hash: String::new(),
            files: vec![],
        };
        let found = problems(&pack).join("\n");
        for expected in [
            "name `Bad Name`",
            "declare the variable `project_name`",
            "`port` is declared twice",
            "`port` has a bad default",
            "choice without choices",
            "`year` is a built-in",
            "invalid regex",
        ] {
            assert!(
                found.contains(expected),
                "missing {expected:?} in:\n{found}"
            );
        }
    }
}
