//! `scaffold add`: render one component into an existing Go project, never clobbering.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};
use similar::TextDiff;

use crate::answers::{base_context, collect_given, current_year, resolve};
use crate::cli::AddArgs;
use crate::error::usage;
use crate::exit_code::ExitStatus;
use crate::git;
use crate::output;
use crate::pack::{self, Catalog, Manifest, Pack, PackKind, PackSource, Service, builtin_catalog};
use crate::project_record::{self, ProjectRecord};
use crate::prompt::{Prompter, TerminalPrompter};
use crate::render::{Engine, RenderedFile};
use crate::say;
use crate::update::sha256_hex;

pub fn run(args: AddArgs) -> Result<ExitStatus> {
    let interactive =
        !args.defaults && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let catalog = builtin_catalog()?;
    let component = catalog.component(&args.component)?;
    pack::validate(component)?;
    let dir = args.dir.as_path();
    let module = crate::gomod::module_path(dir, "run scaffold add in the project, or pass --dir")?;
    // Locked from reading `.scaffold.yaml` to writing it, so concurrent runs both count.
    let claim = if args.dry_run {
        None
    } else {
        Some(output::claim_project(dir)?)
    };
    let record_path = dir.join(project_record::FILE_NAME);
    let record_text = match std::fs::read_to_string(&record_path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(err).with_context(|| format!("reading {}", record_path.display())),
    };
    let record = record_text
        .as_deref()
        .map(ProjectRecord::from_yaml)
        .transpose()
        .with_context(|| format!("reading {}", record_path.display()))?;

    let host = host_pack(&catalog, record.as_ref(), args.service)?;
    if component.manifest.services_only && !host.manifest.service.possible() {
        return Err(usage(format!(
            "component `{}` is for network services; if {} is one, pass --service",
            component.name(),
            dir.display()
        )));
    }
    let composed = pack::compose(&host, &[component]);
    let given = given_answers(&composed, record.as_ref(), &module, &args)?;

    let mut names: Vec<String> = record
        .as_ref()
        .map(|r| r.components.clone())
        .unwrap_or_default();
    if !names.iter().any(|n| n == component.name()) {
        names.push(component.name().to_owned());
    }
    let enabled: Vec<&Pack> = names
        .iter()
        .filter_map(|n| catalog.component(n).ok())
        .collect();
    let year = record
        .as_ref()
        .and_then(|r| r.answers.get("year"))
        .and_then(Value::as_i64)
        .unwrap_or_else(current_year);
    let engine = Engine::new()?;
    let base = base_context(
        &composed,
        &enabled,
        pack::globals()?,
        year,
        &git::identity(),
    );
    let mut terminal = TerminalPrompter::default();
    let prompter: Option<&mut dyn Prompter> = if interactive {
        Some(&mut terminal)
    } else {
        None
    };
    let resolution = resolve(&composed, &engine, &base, given, prompter)?;

    let mut files = engine.render_pack(component, &Value::Object(resolution.context.clone()))?;
    let mut updated = record
        .clone()
        .unwrap_or_else(|| ProjectRecord::without_pack(Map::new()));
    updated.answers.extend(resolution.answers.clone());
    updated.answers.insert("year".into(), Value::from(year));
    updated.components = names;
    for file in &files {
        updated
            .files
            .insert(file.path.clone(), sha256_hex(&file.contents));
    }
    // Rewritten only when it changes, and then edited rather than re-serialised.
    if record.as_ref() != Some(&updated) {
        let contents = match &record_text {
            Some(text) => updated.to_yaml_from(text)?,
            None => updated.to_yaml()?,
        };
        files.push(RenderedFile {
            path: project_record::FILE_NAME.to_owned(),
            contents: contents.into_bytes(),
            executable: false,
        });
    }

    let changes = compare(dir, &files)?;
    if args.dry_run {
        print_diffs(dir, &files, &changes)?;
        return Ok(ExitStatus::Success);
    }
    let conflicts: Vec<&str> = changes
        .iter()
        .filter(|(path, change)| *change == Change::Modified && path != project_record::FILE_NAME)
        .map(|(path, _)| path.as_str())
        .collect();
    if !conflicts.is_empty() && !args.force {
        anyhow::bail!(
            "{} would overwrite {} that differ{}: {}; review with --dry-run, or pass --force to overwrite",
            component.name(),
            if conflicts.len() == 1 {
                "a file"
            } else {
                "files"
            },
            if conflicts.len() == 1 { "s" } else { "" },
            conflicts.join(", ")
        );
    }
    let claim = claim.context("a project claimed for writing")?;
    let outcome = claim.write(&files, &[], |_| Ok(()))?;

    if args.json {
        let summary = json!({
            "component": component.name(),
            "path": dir.display().to_string(),
            "created": outcome.created,
            "overwritten": outcome.overwritten,
            "unchanged": outcome.unchanged,
            "answers": resolution.answers,
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else if !args.quiet {
        let written: Vec<&str> = outcome
            .created
            .iter()
            .chain(&outcome.overwritten)
            .map(String::as_str)
            .filter(|p| *p != project_record::FILE_NAME)
            .collect();
        if written.is_empty() {
            say!(
                "{} is already up to date in `{}`.",
                component.name(),
                dir.display()
            );
        } else {
            say!(
                "Added {} to `{}`: {}.",
                component.name(),
                dir.display(),
                written.join(", ")
            );
        }
    }
    Ok(ExitStatus::Success)
}

/// The pack the project was generated from, or a stand-in that declares the common answers.
fn host_pack(catalog: &Catalog, record: Option<&ProjectRecord>, service: bool) -> Result<Pack> {
    let recorded = record.and_then(|r| r.pack.as_ref());
    if let Some(pack) = recorded.and_then(|p| catalog.get(&p.name).ok()) {
        return Ok(pack.clone());
    }
    Ok(Pack {
        manifest: Manifest {
            name: recorded.map_or_else(|| "go-project".to_owned(), |p| p.name.clone()),
            description: String::new(),
            version: recorded.map_or_else(|| "0.0.0".to_owned(), |p| p.version.clone()),
            kind: PackKind::Project,
            service: Service::Always(service),
            services_only: false,
            components: Vec::new(),
            variables: pack::common_variables()?,
            files: Vec::new(),
            ..Manifest::default()
        },
        source: PackSource::Builtin,
        files: Vec::new(),
        partials: Vec::new(),
        content_hash: String::new(),
    })
}

/// Recorded answers, then what go.mod says, then `--answers` and `--set` (later wins).
fn given_answers(
    composed: &Pack,
    record: Option<&ProjectRecord>,
    module: &str,
    args: &AddArgs,
) -> Result<Map<String, Value>> {
    let mut given = Map::new();
    if let Some(record) = record {
        for (key, value) in &record.answers {
            if composed.variable(key).is_some() {
                given.insert(key.clone(), value.clone());
            }
        }
    }
    if !given.contains_key("module_path") {
        given.insert("module_path".into(), Value::from(module));
    }
    if !given.contains_key("project_name")
        && let Some(name) = project_name_from_module(module)
    {
        given.insert("project_name".into(), Value::from(name));
    }
    given.extend(collect_given(
        composed,
        args.answers.as_deref(),
        &args.set,
        None,
    )?);
    Ok(given)
}

/// `github.com/acme/orders-api/v2` → `orders-api`, when it is a valid project name.
fn project_name_from_module(module: &str) -> Option<String> {
    let mut segments = module.rsplit('/');
    let mut last = segments.next()?;
    let is_major = last
        .strip_prefix('v')
        .is_some_and(|n| n.parse::<u32>().is_ok());
    if is_major {
        last = segments.next()?;
    }
    let name = last.to_lowercase().replace(['_', '.'], "-");
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    valid.then_some(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    New,
    Modified,
    Same,
}

fn compare(dir: &Path, files: &[RenderedFile]) -> Result<Vec<(String, Change)>> {
    files
        .iter()
        .map(|file| {
            let path = dir.join(&file.path);
            let change = match std::fs::read(&path) {
                Ok(existing) if existing == file.contents => Change::Same,
                Ok(_) => Change::Modified,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Change::New,
                Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
            };
            Ok((file.path.clone(), change))
        })
        .collect()
}

fn print_diffs(dir: &Path, files: &[RenderedFile], changes: &[(String, Change)]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut count = 0;
    for (file, (_, change)) in files.iter().zip(changes) {
        let old = match change {
            Change::Same => continue,
            Change::New => String::new(),
            Change::Modified => std::fs::read_to_string(dir.join(&file.path)).unwrap_or_default(),
        };
        count += 1;
        let new = String::from_utf8_lossy(&file.contents);
        let from = if *change == Change::New {
            "/dev/null".to_owned()
        } else {
            format!("a/{}", file.path)
        };
        let diff = TextDiff::from_lines(old.as_str(), new.as_ref());
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&from, &format!("b/{}", file.path))
        )?;
    }
    say!(
        "Dry run: {count} files would change in {}; nothing was written.",
        dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::project_name_from_module;

    #[test]
    fn project_names_come_from_the_module_path() {
        assert_eq!(
            project_name_from_module("github.com/acme/orders-api").as_deref(),
            Some("orders-api")
        );
        assert_eq!(
            project_name_from_module("github.com/acme/Orders_API/v2").as_deref(),
            Some("orders-api")
        );
        assert_eq!(project_name_from_module("example.com/9lives"), None);
    }
}
