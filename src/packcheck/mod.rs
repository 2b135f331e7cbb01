//! `scaffold pack check`: every problem in a pack folder, each with the file, line and column.
//!
//! The folder is read directly rather than through the pack loader, so that a pack too broken
//! to load still gets a full report: schema mistakes in `pack.yaml`, variables whose defaults
//! or conditions are wrong, templates that do not parse, variables used but never declared
//! (and declared but never used), and paths that collide or leave the project once rendered.

mod located;
mod parent;
mod paths;
mod schema;
mod templates;
mod usage;
mod variables;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use walkdir::WalkDir;

pub use located::Position;

use crate::error::usage as usage_error;
use crate::pack::{Manifest, Pack};
use located::Node;

const MANIFEST: &str = "pack.yaml";

/// How bad a problem is: errors make `pack check` fail, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Relative to the pack folder, `/`-separated: `pack.yaml`, `files/go.mod`.
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

impl Diagnostic {
    /// The diagnostic with its file named from the current directory (`my-pack/pack.yaml`).
    pub fn located_in(&self, pack_dir: &Path) -> String {
        let file = pack_dir.join(&self.file);
        let file = file.strip_prefix("./").unwrap_or(&file);
        let mut shown = self.clone();
        shown.file = file.display().to_string();
        shown.to_string()
    }
}

/// Collects diagnostics as the checks run.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn error(&mut self, file: &str, at: Position, message: impl Into<String>) {
        self.push(file, at, Severity::Error, message.into());
    }

    pub fn warning(&mut self, file: &str, at: Position, message: impl Into<String>) {
        self.push(file, at, Severity::Warning, message.into());
    }

    fn push(&mut self, file: &str, at: Position, severity: Severity, message: String) {
        self.diagnostics.push(Diagnostic {
            file: file.to_owned(),
            line: at.line.max(1),
            col: at.col.max(1),
            severity,
            message,
        });
    }
}

/// A file of the pack folder: its path relative to the folder and its bytes.
#[derive(Debug, Clone)]
pub(crate) struct PackFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl PackFile {
    /// The text of a UTF-8 file; other files are copied verbatim and never parsed.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

/// What a checked pack folder holds.
pub(crate) struct Folder {
    /// `files/…`, sorted.
    pub files: Vec<PackFile>,
    /// `partials/NAME.hbs`, sorted.
    pub partials: Vec<PackFile>,
}

/// Every problem in the pack in folder `dir`, sorted by file and position. An error only when
/// the folder cannot be read or holds no `pack.yaml`.
pub fn check_dir(dir: &Path) -> Result<Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Err(usage_error(format!(
            "{} is not a folder: give the folder of a pack (holding pack.yaml and files/)",
            dir.display()
        )));
    }
    let manifest_path = dir.join(MANIFEST);
    if !manifest_path.is_file() {
        return Err(usage_error(format!(
            "{} has no pack.yaml: give the folder of a pack, or start one with `scaffold pack new NAME`",
            dir.display()
        )));
    }
    let mut report = Report::default();
    let bytes =
        fs::read(&manifest_path).with_context(|| format!("reading {}", manifest_path.display()))?;
    let folder = read_folder(dir, &mut report)?;

    let manifest = match String::from_utf8(bytes) {
        Err(_) => {
            report.error(MANIFEST, Position::default(), "pack.yaml is not UTF-8 text");
            None
        }
        Ok(text) => match Node::parse(&text) {
            Err(err) => {
                let at = err.location().map_or(Position::default(), |loc| Position {
                    line: loc.line() as usize,
                    col: loc.column() as usize,
                });
                report.error(
                    MANIFEST,
                    at,
                    format!("not valid YAML: {}", first_line(&err)),
                );
                None
            }
            Ok(doc) => {
                let parent = parent::resolve(&doc, &mut report);
                let filled = match &parent {
                    Some(parent) => parent::fill_inherited(&doc, parent),
                    None => doc.clone(),
                };
                let (manifest, mistakes) = schema::check(&filled);
                for mistake in mistakes {
                    report.error(MANIFEST, mistake.at, mistake.message);
                }
                manifest.map(|manifest| (manifest, filled, parent))
            }
        },
    };

    match &manifest {
        Some((manifest, doc, parent)) => {
            check_pack(dir, manifest, doc, parent.as_ref(), &folder, &mut report)?;
        }
        // Without a manifest the templates can still be parsed.
        None => usage::check_syntax(&folder, &mut report),
    }
    let mut diagnostics = report.diagnostics;
    diagnostics.sort_by(|a, b| {
        (a.file != MANIFEST, &a.file, a.line, a.col).cmp(&(
            b.file != MANIFEST,
            &b.file,
            b.line,
            b.col,
        ))
    });
    diagnostics.dedup();
    Ok(diagnostics)
}

fn check_pack(
    dir: &Path,
    manifest: &Manifest,
    doc: &Node,
    parent: Option<&Pack>,
    folder: &Folder,
    report: &mut Report,
) -> Result<()> {
    variables::check_manifest(manifest, doc, parent, report);
    usage::check(manifest, doc, folder, parent, report)?;
    paths::check(dir, manifest, folder, parent, report)
}

/// The first line of a parse error, without the excerpt of the document that follows it.
fn first_line(err: &dyn std::fmt::Display) -> String {
    err.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn read_folder(dir: &Path, report: &mut Report) -> Result<Folder> {
    let mut folder = Folder {
        files: Vec::new(),
        partials: Vec::new(),
    };
    for top in ["files", "partials"] {
        let root = dir.join(top);
        if !root.is_dir() {
            continue;
        }
        for entry in WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.with_context(|| format!("reading {}", root.display()))?;
            if entry.file_type().is_dir() {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let Some(path) = relative.to_str().map(|p| p.replace('\\', "/")) else {
                report.error(
                    &relative.to_string_lossy(),
                    Position::default(),
                    "the file name is not UTF-8: rename it",
                );
                continue;
            };
            if entry.path_is_symlink() {
                report.error(
                    &path,
                    Position::default(),
                    "a symbolic link: packs hold real files, so copy the file in instead",
                );
                continue;
            }
            let bytes = fs::read(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            let file = PackFile { path, bytes };
            if top == "files" {
                folder.files.push(file);
            } else if file.path.ends_with(".hbs") {
                folder.partials.push(file);
            }
        }
    }
    Ok(folder)
}

/// Runs the manifest checks that need no folder on `text`, for fuzzing: parse, schema and
/// the manifest's own rules.
pub fn check_manifest_text(text: &str) -> Vec<Diagnostic> {
    let mut report = Report::default();
    if let Ok(doc) = Node::parse(text) {
        let (manifest, mistakes) = schema::check(&doc);
        for mistake in mistakes {
            report.error(MANIFEST, mistake.at, mistake.message);
        }
        if let Some(manifest) = manifest {
            variables::check_manifest(&manifest, &doc, None, &mut report);
        }
    }
    report.diagnostics
}

/// Reads `text` as `pack check` reads a template, for fuzzing.
pub fn scan_template(text: &str) -> bool {
    templates::scan(text).is_ok()
}
