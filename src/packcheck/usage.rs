//! Which variables the pack's templates, conditions and defaults use, against the ones it
//! declares: a use of an undeclared name is an error (strict rendering would fail on it), a
//! declared variable nothing uses is a warning.

use std::collections::{BTreeMap, HashSet};

use anyhow::Result;
use globset::{Glob, GlobSetBuilder};
use serde_json::Value;

use super::located::{Node, Position};
use super::templates::{self, Reference, Uses};
use super::variables::key_of_variable;
use super::{Folder, MANIFEST, PackFile, Report};
use crate::answers::BUILTINS;
use crate::pack::{Manifest, Pack, PackKind, Service, builtin_partials, common_variables, globals};

/// Not a variable name (it has a space): in the known set, it says the pack is a component.
const COMPONENT_MARK: &str = "kind component";

/// Reports templates that do not parse; used when the manifest is too broken to go further.
pub fn check_syntax(folder: &Folder, report: &mut Report) {
    for file in folder.files.iter().chain(&folder.partials) {
        if let Some(text) = file.text()
            && let Err(err) = templates::scan(text)
        {
            report.error(
                &file.path,
                err.at,
                format!("the template does not parse: {}", err.message),
            );
        }
    }
}

/// Checks every use of a variable in the pack against what it declares.
pub fn check(
    manifest: &Manifest,
    doc: &Node,
    folder: &Folder,
    parent: Option<&Pack>,
    report: &mut Report,
) -> Result<()> {
    let mut known: HashSet<String> = BUILTINS.iter().map(|s| (*s).to_owned()).collect();
    known.extend(globals()?.keys().cloned());
    if let Some(parent) = parent {
        known.extend(parent.manifest.variables.iter().map(|v| v.name.clone()));
    }
    if manifest.kind == PackKind::Component {
        // A component's answers come from the pack it is added to.
        known.extend(common_variables()?.into_iter().map(|v| v.name));
        known.insert(COMPONENT_MARK.to_owned());
    }
    let mut used: HashSet<String> = HashSet::new();

    // Variables are resolved in order: a condition or default sees the ones before it.
    let mut earlier = known.clone();
    for (index, var) in manifest.variables.iter().enumerate() {
        if let Some(when) = &var.when {
            let at = key_of_variable(doc, index, "when");
            expression(when, at, &earlier, &mut used, report, "condition");
        }
        if let Some(Value::String(default)) = &var.default
            && default.contains("{{")
        {
            let at = key_of_variable(doc, index, "default");
            template_in_manifest(default, at, &earlier, &mut used, report);
        }
        earlier.insert(var.name.clone());
    }
    known.extend(manifest.variables.iter().map(|v| v.name.clone()));

    let rules = doc.get("files").map(Node::items).unwrap_or_default();
    for (rule, node) in manifest.files.iter().zip(rules) {
        let at = node.get("when").map_or(node.at, |n| n.at);
        expression(&rule.when, at, &known, &mut used, report, "condition");
    }
    if let Service::When(condition) = &manifest.service {
        let at = doc.get("service").map_or(Position::default(), |n| n.at);
        expression(condition, at, &known, &mut used, report, "condition");
    }

    let raw = glob_set(&manifest.raw);
    let partials = Partials::new(folder, parent);
    let mut scanned_partials: HashSet<String> = HashSet::new();
    for file in &folder.files {
        let relative = file.path.strip_prefix("files/").unwrap_or(&file.path);
        match templates::scan(relative) {
            Ok(uses) => {
                for reference in &uses.variables {
                    used.insert(reference.name.clone());
                    if !known.contains(&reference.name) {
                        report.error(
                            &file.path,
                            Position { line: 1, col: 1 },
                            undeclared(&reference.name, "the file's path"),
                        );
                    }
                }
            }
            Err(err) => report.error(
                &file.path,
                Position { line: 1, col: 1 },
                format!(
                    "the file's path does not parse as a template: {}",
                    err.message
                ),
            ),
        }
        let Some(text) = file.text() else {
            continue;
        };
        if raw.is_match(relative) || !text.contains("{{") {
            continue;
        }
        let uses = match templates::scan(text) {
            Ok(uses) => uses,
            Err(err) => {
                report.error(
                    &file.path,
                    err.at,
                    format!("the template does not parse: {}", err.message),
                );
                // Its variables cannot be listed; do not call the ones it names unused.
                used.extend(
                    known
                        .iter()
                        .filter(|name| text.contains(name.as_str()))
                        .cloned(),
                );
                continue;
            }
        };
        record(&file.path, &uses, &known, &mut used, report, None);
        partials.follow(
            &file.path,
            &uses,
            &known,
            &mut used,
            &mut scanned_partials,
            report,
        );
    }
    // Partials of the pack itself are checked even when nothing includes them yet.
    for file in &folder.partials {
        let name = partial_name(&file.path);
        if scanned_partials.contains(name) {
            continue;
        }
        if let Some(text) = file.text() {
            match templates::scan(text) {
                Ok(uses) => record(&file.path, &uses, &known, &mut used, report, None),
                Err(err) => report.error(
                    &file.path,
                    err.at,
                    format!("the partial does not parse: {}", err.message),
                ),
            }
        }
    }
    if let Some(parent) = parent {
        // A variable the pack redeclares may be there for the parent's templates.
        for file in &parent.files {
            if let Some(uses) = std::str::from_utf8(&file.contents)
                .ok()
                .and_then(|text| templates::scan(text).ok())
            {
                used.extend(uses.variables.into_iter().map(|r| r.name));
            }
            if let Ok(uses) = templates::scan(&file.path) {
                used.extend(uses.variables.into_iter().map(|r| r.name));
            }
        }
    }

    for (index, var) in manifest.variables.iter().enumerate() {
        if var.name != "project_name" && !used.contains(&var.name) {
            report.warning(
                MANIFEST,
                key_of_variable(doc, index, "name"),
                format!(
                    "variable `{}` is declared but never used: use it in a template or remove it",
                    var.name
                ),
            );
        }
    }
    Ok(())
}

fn undeclared(name: &str, place: &str) -> String {
    format!(
        "{place} uses `{name}`, which is not a declared variable: declare it under `variables:` or fix the name"
    )
}

/// Records a template's uses; undeclared ones are errors at their position in `file`, or at
/// the including position when they sit in a shared partial (`through`).
fn record(
    file: &str,
    uses: &Uses,
    known: &HashSet<String>,
    used: &mut HashSet<String>,
    report: &mut Report,
    through: Option<(&str, Position)>,
) {
    let component = known.contains(COMPONENT_MARK);
    for Reference { name, at, guarded } in &uses.variables {
        used.insert(name.clone());
        if *guarded || known.contains(name) {
            continue;
        }
        let (at, message) = match through {
            Some((partial, include_at)) => (
                include_at,
                undeclared(name, &format!("the shared partial `{partial}`")),
            ),
            None => (*at, undeclared(name, "the template")),
        };
        if component {
            // A component renders with the answers of the pack it is added to.
            report.warning(
                file,
                at,
                format!("{message}, unless every pack it is added to declares it"),
            );
        } else {
            report.error(file, at, message);
        }
    }
}

fn expression(
    text: &str,
    at: Position,
    known: &HashSet<String>,
    used: &mut HashSet<String>,
    report: &mut Report,
    what: &str,
) {
    match templates::scan_condition(text) {
        Ok(uses) => {
            for reference in uses.variables {
                used.insert(reference.name.clone());
                if !known.contains(&reference.name) {
                    report.error(
                        MANIFEST,
                        at,
                        format!(
                            "the {what} `{text}` names `{}`, which is not a variable declared before it",
                            reference.name
                        ),
                    );
                }
            }
        }
        Err(err) => report.error(
            MANIFEST,
            at,
            format!("the {what} `{text}` does not parse: {}", err.message),
        ),
    }
}

fn template_in_manifest(
    text: &str,
    at: Position,
    known: &HashSet<String>,
    used: &mut HashSet<String>,
    report: &mut Report,
) {
    match templates::scan(text) {
        Ok(uses) => {
            for reference in uses.variables {
                used.insert(reference.name.clone());
                if !known.contains(&reference.name) {
                    report.error(
                        MANIFEST,
                        at,
                        format!(
                            "the default `{text}` uses `{}`, which is not a variable declared before it",
                            reference.name
                        ),
                    );
                }
            }
        }
        Err(err) => report.error(
            MANIFEST,
            at,
            format!("the default `{text}` does not parse: {}", err.message),
        ),
    }
}

fn partial_name(path: &str) -> &str {
    let name = path.strip_prefix("partials/").unwrap_or(path);
    name.strip_suffix(".hbs").unwrap_or(name)
}

fn glob_set(patterns: &[String]) -> globset::GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // Invalid globs are reported with the manifest's rules.
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
        }
    }
    builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty())
}

/// The partials a template may include: the pack's own, then its parent's, then the shared ones.
struct Partials<'a> {
    own: BTreeMap<String, &'a PackFile>,
    inherited: BTreeMap<String, String>,
}

impl<'a> Partials<'a> {
    fn new(folder: &'a Folder, parent: Option<&Pack>) -> Self {
        let own = folder
            .partials
            .iter()
            .map(|file| (partial_name(&file.path).to_owned(), file))
            .collect();
        let mut inherited: BTreeMap<String, String> = builtin_partials()
            .into_iter()
            .map(|(name, text)| (name, text.to_owned()))
            .collect();
        if let Some(parent) = parent {
            inherited.extend(parent_partials(parent));
        }
        Partials { own, inherited }
    }

    /// Checks the partials `uses` includes, and the ones they include, each once.
    fn follow(
        &self,
        file: &str,
        uses: &Uses,
        known: &HashSet<String>,
        used: &mut HashSet<String>,
        scanned: &mut HashSet<String>,
        report: &mut Report,
    ) {
        for include in &uses.partials {
            let name = include.name.as_str();
            if let Some(own) = self.own.get(name) {
                if !scanned.insert(name.to_owned()) {
                    continue;
                }
                let Some(text) = own.text() else { continue };
                match templates::scan(text) {
                    Ok(inner) => {
                        record(&own.path, &inner, known, used, report, None);
                        self.follow(&own.path, &inner, known, used, scanned, report);
                    }
                    Err(err) => report.error(
                        &own.path,
                        err.at,
                        format!("the partial does not parse: {}", err.message),
                    ),
                }
            } else if let Some(text) = self.inherited.get(name) {
                if let Ok(inner) = templates::scan(text) {
                    record(file, &inner, known, used, report, Some((name, include.at)));
                    self.follow(file, &inner, known, used, scanned, report);
                }
            } else {
                report.error(
                    file,
                    include.at,
                    format!(
                        "the partial `{name}` does not exist: add partials/{name}.hbs to the pack"
                    ),
                );
            }
        }
    }
}

/// The parent's own partials (empty until packs carry partials of their own).
fn parent_partials(_parent: &Pack) -> Vec<(String, String)> {
    Vec::new()
}
