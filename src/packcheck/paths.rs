//! Renders every file path with the defaults, as `scaffold new --defaults` would: two
//! templates writing one path, or a path leaving the project, is an error.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use globset::{GlobBuilder, GlobMatcher};
use serde_json::{Map, Value};

use super::located::Position;
use super::{Folder, MANIFEST, Report};
use crate::answers::{base_context, current_year, resolve};
use crate::git::Identity;
use crate::pack::{Manifest, Pack, PackSource, TemplateFile, VariableKind, globals, load_dir};
use crate::render::Engine;

/// The pack as the folder holds it, loaded without the loader's refusals (those are
/// reported as problems instead).
fn own_pack(manifest: &Manifest, folder: &Folder) -> Pack {
    Pack {
        manifest: manifest.clone(),
        source: PackSource::Builtin,
        files: folder
            .files
            .iter()
            .map(|file| TemplateFile {
                path: file
                    .path
                    .strip_prefix("files/")
                    .unwrap_or(&file.path)
                    .to_owned(),
                contents: Cow::Owned(file.bytes.clone()),
            })
            .collect(),
        partials: folder
            .partials
            .iter()
            .filter_map(|file| {
                let name = file.path.strip_prefix("partials/")?.strip_suffix(".hbs")?;
                Some((name.to_owned(), file.text()?.to_owned()))
            })
            .collect(),
        content_hash: String::new(),
    }
}

/// What a required variable (one without a default), or one whose default breaks its own
/// rules (reported elsewhere), is given so that the paths can still render.
pub fn sample_answers(pack: &Pack) -> Map<String, Value> {
    let mut given = Map::new();
    for var in &pack.manifest.variables {
        let usable = match &var.default {
            None => false,
            Some(Value::String(text)) if text.contains("{{") => true,
            Some(default) => crate::answers::coerce(var, default)
                .and_then(|value| crate::answers::check(var, &value))
                .is_ok(),
        };
        if usable {
            continue;
        }
        let value = match var.kind {
            VariableKind::String => Value::from("example"),
            VariableKind::Int => Value::from(var.min.or(var.max).unwrap_or(0)),
            _ => crate::answers::zero(var),
        };
        given.insert(var.name.clone(), value);
    }
    given
}

pub fn check(
    dir: &Path,
    manifest: &Manifest,
    folder: &Folder,
    parent: Option<&Pack>,
    report: &mut Report,
) -> Result<()> {
    let pack = if parent.is_some() {
        // The files the parent contributes (less `remove:`) are rendered too.
        match load_dir(dir) {
            Ok(pack) => pack,
            Err(err) => {
                report.error(MANIFEST, Position::default(), format!("{err:#}"));
                return Ok(());
            }
        }
    } else {
        own_pack(manifest, folder)
    };
    let mut pack = pack;
    // Without prompts a condition only decides between a default and a default; dropping
    // them lets a broken one (reported elsewhere) not hide the paths.
    for var in &mut pack.manifest.variables {
        var.when = None;
    }
    let manifest = &pack.manifest;
    let engine = Engine::new()?;
    let identity = Identity {
        name: "Pack Author".into(),
        email: "author@example.com".into(),
    };
    let base = base_context(&pack, &[], globals()?, current_year(), &identity);
    let resolution = match resolve(&pack, &engine, &base, sample_answers(&pack), None) {
        Ok(resolution) => resolution,
        Err(err) => {
            // A bad default is already reported where it is written.
            let reported = report
                .diagnostics
                .iter()
                .any(|d| d.file == MANIFEST && d.severity == super::Severity::Error);
            if !reported {
                report.error(
                    MANIFEST,
                    Position::default(),
                    format!("the defaults do not resolve: {err:#}"),
                );
            }
            return Ok(());
        }
    };
    let data = Value::Object(resolution.context);
    let rules: Vec<(GlobMatcher, &str)> = manifest
        .files
        .iter()
        .filter_map(|rule| {
            let glob = GlobBuilder::new(&rule.path)
                .literal_separator(true)
                .build()
                .ok()?;
            Some((glob.compile_matcher(), rule.when.as_str()))
        })
        .collect();
    let mut written: BTreeMap<String, String> = BTreeMap::new();
    for file in &pack.files {
        let shown = format!("files/{}", file.path);
        let at = Position { line: 1, col: 1 };
        let excluded = rules.iter().any(|(glob, when)| {
            let applies = glob.is_match(&file.path)
                || file
                    .path
                    .match_indices('/')
                    .any(|(index, _)| glob.is_match(&file.path[..index]));
            // A condition that fails to evaluate is reported with the manifest's conditions.
            applies && !engine.condition(&shown, when, &data).unwrap_or(true)
        });
        if excluded {
            continue;
        }
        let path = match engine.render_str(&shown, &file.path, &data) {
            Ok(path) => path,
            Err(err) => {
                report.error(
                    &shown,
                    at,
                    format!("the path does not render with the defaults: {err:#}"),
                );
                continue;
            }
        };
        if path.split('/').any(str::is_empty) && !path.starts_with('/') {
            continue; // an empty segment skips the file, by design
        }
        let escapes = path.starts_with('/')
            || path
                .split('/')
                .any(|seg| seg == "." || seg == ".." || seg.contains('\\'));
        if escapes {
            report.error(
                &shown,
                at,
                format!("the path renders to `{path}` with the defaults, which leaves the project: keep paths relative, without `..`"),
            );
            continue;
        }
        if let Some(first) = written.get(&path) {
            report.error(
                &shown,
                at,
                format!("the path renders to `{path}` with the defaults, as `{first}` does: one would overwrite the other"),
            );
        } else {
            written.insert(path, shown);
        }
    }
    Ok(())
}
