//! The manifest's own rules, each reported where it is broken: the pack's name, its
//! variables (names, types, choices, ranges, regexes, defaults) and its globs.

use std::collections::HashSet;

use globset::Glob;
use regex::Regex;
use serde_json::Value;

use super::located::{Node, Position};
use super::{MANIFEST, Report};
use crate::answers::{BUILTINS, check, coerce};
use crate::pack::{Manifest, Pack, PackKind, VariableKind};

/// Reports the manifest's broken rules.
pub fn check_manifest(manifest: &Manifest, doc: &Node, parent: Option<&Pack>, report: &mut Report) {
    let identifier = Regex::new("^[a-z_][a-z0-9_]*$").expect("static regex");
    let pack_name = Regex::new("^[a-z][a-z0-9-]*$").expect("static regex");
    let value_at = |key: &str| doc.get(key).map_or(Position::default(), |node| node.at);

    if !pack_name.is_match(&manifest.name) {
        report.error(
            MANIFEST,
            value_at("name"),
            format!(
                "name `{}` must be lowercase letters, digits and dashes, starting with a letter",
                manifest.name
            ),
        );
    }
    let is_project = manifest.kind == PackKind::Project;
    let inherited_project_name = parent.is_some_and(|p| p.variable("project_name").is_some());
    match manifest.variables.iter().find(|v| v.name == "project_name") {
        Some(v) if v.kind != VariableKind::String => report.error(
            MANIFEST,
            variable_at(doc, "project_name", "type"),
            "variable `project_name` must be a string",
        ),
        None if is_project && !inherited_project_name => report.error(
            MANIFEST,
            doc.entry("variables").map_or(Position::default(), |(at, _)| at),
            "a project pack must declare the variable `project_name` (the NAME in `scaffold new PACK NAME`)",
        ),
        _ => {}
    }
    if !is_project && (manifest.service.possible() || !manifest.components.is_empty()) {
        report.error(
            MANIFEST,
            value_at("kind"),
            "`service` and `components` belong in project packs, not components",
        );
    }
    if is_project && manifest.services_only {
        report.error(
            MANIFEST,
            value_at("services_only"),
            "`services_only` belongs in components, not project packs",
        );
    }

    let items = doc.get("variables").map(Node::items).unwrap_or_default();
    let mut seen = HashSet::new();
    for (var, node) in manifest.variables.iter().zip(items) {
        let name = &var.name;
        let at = |key: &str| node.get(key).map_or(node.at, |value| value.at);
        if !seen.insert(name.as_str()) {
            report.error(
                MANIFEST,
                at("name"),
                format!("variable `{name}` is declared twice"),
            );
        }
        if !identifier.is_match(name) {
            report.error(
                MANIFEST,
                at("name"),
                format!("variable `{name}` must be lowercase letters, digits and underscores"),
            );
        }
        if BUILTINS.contains(&name.as_str()) {
            report.error(
                MANIFEST,
                at("name"),
                format!("variable `{name}` is a built-in and cannot be declared: rename it"),
            );
        }
        let has_choices = matches!(var.kind, VariableKind::Choice | VariableKind::MultiChoice);
        if has_choices && var.choices.is_empty() {
            report.error(
                MANIFEST,
                at("type"),
                format!(
                    "variable `{name}` is a {} without choices: add `choices: [...]`",
                    var.kind.as_str()
                ),
            );
        }
        if !has_choices && !var.choices.is_empty() {
            report.error(
                MANIFEST,
                at("choices"),
                format!(
                    "variable `{name}` has choices but is a {}",
                    var.kind.as_str()
                ),
            );
        }
        if (var.min.is_some() || var.max.is_some()) && var.kind != VariableKind::Int {
            let key = if var.min.is_some() { "min" } else { "max" };
            report.error(
                MANIFEST,
                at(key),
                format!(
                    "variable `{name}` has min or max but is a {}, not an int",
                    var.kind.as_str()
                ),
            );
        }
        let mut regex_ok = true;
        if let Some(rule) = &var.validate
            && let Err(err) = Regex::new(&rule.regex)
        {
            regex_ok = false;
            let regex_at = node
                .get("validate")
                .and_then(|v| v.get("regex"))
                .map_or(at("validate"), |v| v.at);
            report.error(
                MANIFEST,
                regex_at,
                format!(
                    "variable `{name}` has an invalid regex: {}",
                    super::first_line(&err)
                ),
            );
        }
        if let Some(default) = &var.default {
            let is_template = matches!(default, Value::String(s) if s.contains("{{"));
            let checked = coerce(var, default).and_then(|value| check(var, &value));
            if !is_template
                && regex_ok
                && let Err(err) = checked
            {
                report.error(
                    MANIFEST,
                    at("default"),
                    format!("the default of `{name}` fails its own rules: {err}"),
                );
            }
        }
    }

    let rules = doc.get("files").map(Node::items).unwrap_or_default();
    let rule_globs = manifest
        .files
        .iter()
        .zip(rules)
        .map(|(rule, node)| (&rule.path, node.get("path").map_or(node.at, |p| p.at)));
    let list_globs = |key: &str, globs: &'_ [String]| -> Vec<(String, Position)> {
        let nodes = doc.get(key).map(Node::items).unwrap_or_default();
        globs
            .iter()
            .enumerate()
            .map(|(i, glob)| (glob.clone(), nodes.get(i).map_or(value_at(key), |n| n.at)))
            .collect()
    };
    let globs: Vec<(String, Position)> = rule_globs
        .map(|(glob, at)| (glob.clone(), at))
        .chain(list_globs("raw", &manifest.raw))
        .chain(list_globs("executable", &manifest.executable))
        .collect();
    for (glob, at) in globs {
        if let Err(err) = Glob::new(&glob) {
            report.error(MANIFEST, at, format!("invalid glob `{glob}`: {err}"));
        }
    }
}

/// Where `key` of the variable `name` is written.
fn variable_at(doc: &Node, name: &str, key: &str) -> Position {
    let items = doc.get("variables").map(Node::items).unwrap_or_default();
    items
        .iter()
        .find(|item| item.get("name").and_then(Node::as_str) == Some(name))
        .map_or(Position::default(), |item| {
            item.get(key).map_or(item.at, |value| value.at)
        })
}

/// The position of variable `index`'s `key` (its value), or of the item.
pub fn key_of_variable(doc: &Node, index: usize, key: &str) -> Position {
    let items = doc.get("variables").map(Node::items).unwrap_or_default();
    items.get(index).map_or(Position::default(), |item| {
        item.get(key).map_or(item.at, |value| value.at)
    })
}
