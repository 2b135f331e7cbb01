//! `scaffold update`, `scaffold diff` and `scaffold check-update`: keep generated projects
//! in step with their packs.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::{Value, json};
use similar::TextDiff;

use crate::cli::{CheckUpdateArgs, DiffArgs, OnConflictArg, UpdateArgs};
use crate::error::usage;
use crate::exit_code::ExitStatus;
use crate::project_record::{self, ProjectRecord};
use crate::prompt::{Prompter, TerminalPrompter};
use crate::say;
use crate::update::project::{self, Options, Prepared, conflicted, describe, plan_json};
use crate::update::render;
use crate::update::sources::{self, TemplateCache};
use crate::update::{Action, OnConflict, Plan};

pub fn run(args: &UpdateArgs) -> Result<ExitStatus> {
    let options = Options {
        to: args.to.clone(),
        set: args.set.clone(),
        ask: args.ask,
        on_conflict: match args.on_conflict {
            OnConflictArg::Inline => OnConflict::Inline,
            OnConflictArg::Rej => OnConflict::Reject,
            OnConflictArg::Fail => OnConflict::Fail,
        },
        allow_dirty: args.allow_dirty,
    };
    if !args.all.is_empty() {
        return update_all(args, &options);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if args.ask && !interactive {
        return Err(usage(
            "--ask needs a terminal to ask on: pass changed answers with --set instead",
        ));
    }
    let mut terminal = TerminalPrompter::default();
    let prompter: Option<&mut dyn Prompter> = interactive.then_some(&mut terminal as _);
    let prepared = project::prepare(&mut TemplateCache::default(), &args.dir, &options, prompter)?;
    if let Some(why) = &prepared.base_missing
        && !args.quiet
    {
        say!(
            "warning: {why}; comparing two ways: files you never edited are updated, and every \
             region where an edited file differs from the new version is marked as a conflict"
        );
    }
    for name in &prepared.dropped {
        if !args.quiet {
            say!(
                "{} {} no longer asks `{name}`: its answer is dropped",
                prepared.pack,
                prepared.to
            );
        }
    }
    if args.dry_run {
        print_plan(&prepared, args.json, true)?;
        if !args.json && !args.quiet {
            say!("Dry run: nothing was written.");
        }
        return Ok(ExitStatus::Success);
    }
    let changes = prepared.changes_anything();
    let dir = prepared.dir.clone();
    let (from, to, pack) = (
        prepared.from.clone(),
        prepared.to.clone(),
        prepared.pack.clone(),
    );
    let plan = if changes {
        prepared.apply(options.on_conflict)?
    } else {
        prepared.plan.clone()
    };
    let conflicts = plan.conflicts();
    if args.json {
        let summary = json!({
            "path": dir.display().to_string(),
            "pack": pack, "from": from, "to": to,
            "conflicts": conflicts,
            "files": plan_json(&plan),
        });
        print_json(&summary)?;
    } else if !args.quiet {
        for step in &plan.steps {
            say!("{}", plan_line(&step.path, &step.action));
        }
        if !changes {
            say!("{} is up to date with {pack} {to}.", dir.display());
        } else if from == to {
            say!("Re-rendered {} with {pack} {to}.", dir.display());
        } else {
            say!("Updated {} from {pack} {from} to {to}.", dir.display());
        }
        if conflicts > 0 {
            say!(
                "{conflicts} file{} need{} your attention: {}",
                if conflicts == 1 { "" } else { "s" },
                if conflicts == 1 { "s" } else { "" },
                conflicted(&plan).collect::<Vec<_>>().join(", ")
            );
        }
    }
    Ok(if conflicts > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Every project below `args.all`, each on its own: one failing never stops the others.
fn update_all(args: &UpdateArgs, options: &Options) -> Result<ExitStatus> {
    let mut projects = Vec::new();
    for root in &args.all {
        if !root.is_dir() {
            return Err(usage(format!("{} is not a directory", root.display())));
        }
        projects.extend(find_projects(root));
    }
    if projects.is_empty() {
        return Err(usage(format!(
            "no scaffold project (a folder with {}) below {}",
            project_record::FILE_NAME,
            args.all
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut rows = Vec::new();
    let mut failed = false;
    let mut cache = TemplateCache::default();
    for dir in projects {
        let row = match project::prepare(&mut cache, &dir, options, None) {
            Ok(prepared) => update_row(prepared, args.dry_run, options.on_conflict),
            Err(err) => Row::failed(&dir, &err),
        };
        failed |= row.status != "updated" && row.status != "up to date" && row.status != "planned";
        rows.push(row);
    }
    if args.json {
        let value: Vec<Value> = rows.iter().map(Row::json).collect();
        print_json(&Value::Array(value))?;
    } else if !args.quiet {
        print_table(&rows)?;
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn update_row(prepared: Prepared, dry_run: bool, on_conflict: OnConflict) -> Row {
    let mut row = Row {
        project: prepared.dir.display().to_string(),
        from: prepared.from.clone(),
        to: prepared.to.clone(),
        merged: count(&prepared.plan, |a| matches!(a, Action::Merge)),
        conflicts: prepared.plan.conflicts(),
        status: String::new(),
    };
    let changes = prepared.changes_anything();
    row.status = if dry_run {
        "planned".to_owned()
    } else if !changes {
        "up to date".to_owned()
    } else {
        match prepared.apply(on_conflict) {
            Ok(_) if row.conflicts > 0 => "conflicts".to_owned(),
            Ok(_) => "updated".to_owned(),
            Err(err) => format!("failed: {err:#}"),
        }
    };
    if row.conflicts > 0 && row.status != "conflicts" && !row.status.starts_with("failed") {
        row.status = "conflicts".to_owned();
    }
    row
}

fn count(plan: &Plan, wanted: impl Fn(&Action) -> bool) -> usize {
    plan.steps.iter().filter(|s| wanted(&s.action)).count()
}

/// One project of `update --all`.
struct Row {
    project: String,
    from: String,
    to: String,
    merged: usize,
    conflicts: usize,
    status: String,
}

impl Row {
    fn failed(dir: &Path, err: &anyhow::Error) -> Row {
        Row {
            project: dir.display().to_string(),
            from: String::new(),
            to: String::new(),
            merged: 0,
            conflicts: 0,
            status: format!("failed: {err:#}"),
        }
    }

    fn json(&self) -> Value {
        json!({
            "project": self.project, "from": self.from, "to": self.to,
            "merged": self.merged, "conflicts": self.conflicts, "status": self.status,
        })
    }
}

fn print_table(rows: &[Row]) -> Result<()> {
    let width = rows
        .iter()
        .map(|r| r.project.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<width$}  {:<17}  {:>6}  {:>9}  status",
        "project", "version", "merged", "conflicts"
    )?;
    for row in rows {
        let versions = if row.from.is_empty() {
            "-".to_owned()
        } else {
            format!("{} -> {}", row.from, row.to)
        };
        writeln!(
            out,
            "{:<width$}  {versions:<17}  {:>6}  {:>9}  {}",
            row.project, row.merged, row.conflicts, row.status
        )?;
    }
    Ok(())
}

/// Folders holding `.scaffold.yaml` below `root`, sorted; `.git`, `node_modules`, `vendor`
/// and `target` are not searched.
fn find_projects(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !matches!(
                e.file_name().to_str(),
                Some(".git" | "node_modules" | "vendor" | "target")
            )
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() == project_record::FILE_NAME)
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    found.sort();
    found
}

fn plan_line(path: &str, action: &Action) -> String {
    let (name, _) = describe(action);
    match action {
        Action::Rename { from, .. } => format!("{name:>15}  {path} (from {from})"),
        Action::Conflict { hunks } => format!("{name:>15}  {path} ({hunks} region(s))"),
        _ => format!("{name:>15}  {path}"),
    }
}

fn print_plan(prepared: &Prepared, json: bool, diffs: bool) -> Result<()> {
    if json {
        return print_json(&json!({
            "path": prepared.dir.display().to_string(),
            "pack": prepared.pack, "from": prepared.from, "to": prepared.to,
            "dry_run": true,
            "conflicts": prepared.plan.conflicts(),
            "files": plan_json(&prepared.plan),
        }));
    }
    let mut out = std::io::stdout().lock();
    for step in &prepared.plan.steps {
        writeln!(out, "{}", plan_line(&step.path, &step.action))?;
    }
    if diffs {
        for step in &prepared.plan.steps {
            let Some(new) = &step.contents else { continue };
            let old = std::fs::read(prepared.dir.join(&step.path)).unwrap_or_default();
            write_diff(&mut out, &step.path, &old, new)?;
        }
    }
    Ok(())
}

fn write_diff(out: &mut impl Write, path: &str, old: &[u8], new: &[u8]) -> Result<()> {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
    write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
    )?;
    Ok(())
}

fn print_json(value: &Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// `scaffold diff`: the recorded pack version rendered with the recorded answers, against
/// the files on disk.
pub fn diff(args: &DiffArgs) -> Result<ExitStatus> {
    let record = read_record(&args.dir)?;
    let recorded = record.pack.as_ref().ok_or_else(|| {
        usage(format!(
            "{} was not generated from a pack: there is nothing to compare it with",
            args.dir.display()
        ))
    })?;
    let found = sources::sources(
        &mut TemplateCache::default(),
        recorded,
        &record.scaffold_version,
        Some(&recorded.version),
    )?;
    let side = found.base.ok_or_else(|| {
        anyhow::anyhow!(
            "{}: cannot render the recorded version",
            found.base_missing.unwrap_or_default()
        )
    })?;
    let rendered = render::render(
        &side.templates,
        &side.pack,
        &record.components,
        &record.answers,
        serde_json::Map::new(),
        false,
        None,
    )?;
    let mut out = std::io::stdout().lock();
    let mut differing = 0;
    for (path, bytes) in &rendered.files {
        match std::fs::read(args.dir.join(path)) {
            Ok(disk) if disk == *bytes => {}
            Ok(disk) => {
                differing += 1;
                write_diff(&mut out, path, bytes, &disk)?;
            }
            Err(_) => {
                differing += 1;
                writeln!(out, "deleted: {path}")?;
            }
        }
    }
    drop(out);
    say!(
        "{differing} of {} files differ from {} {}.",
        rendered.files.len(),
        recorded.name,
        recorded.version
    );
    Ok(if args.exit_code && differing > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// `scaffold check-update`: exit 2 when a newer version of the pack exists.
pub fn check(args: &CheckUpdateArgs) -> Result<ExitStatus> {
    let record = read_record(&args.dir)?;
    let recorded = record.pack.as_ref().ok_or_else(|| {
        usage(format!(
            "{} was not generated from a pack: there is nothing to update it from",
            args.dir.display()
        ))
    })?;
    let newest = match recorded.source.as_str() {
        "builtin" => sources::newest_builtin(&recorded.name)?,
        _ => None,
    };
    let available = newest
        .as_ref()
        .filter(|newest| crate::pack::release::compare_versions(newest, &recorded.version).is_gt());
    let affected = match available {
        Some(_) => {
            let options = Options {
                allow_dirty: true,
                ..Options::default()
            };
            project::prepare(&mut TemplateCache::default(), &args.dir, &options, None)
                .ok()
                .map(|p| p.plan.steps.len())
        }
        None => Some(0),
    };
    if args.json {
        print_json(&json!({
            "path": args.dir.display().to_string(),
            "pack": recorded.name,
            "from": recorded.version,
            "to": newest,
            "update_available": available.is_some(),
            "files_affected": affected,
        }))?;
    } else {
        match available {
            Some(to) => say!(
                "{} {} -> {to} is available{}: run `scaffold update --dir {}`",
                recorded.name,
                recorded.version,
                affected.map_or_else(String::new, |n| format!(" ({n} files affected)")),
                args.dir.display()
            ),
            None => say!("{} {} is up to date.", recorded.name, recorded.version),
        }
    }
    Ok(if available.is_some() {
        ExitStatus::UpdateAvailable
    } else {
        ExitStatus::Success
    })
}

fn read_record(dir: &Path) -> Result<ProjectRecord> {
    ProjectRecord::read(dir)?.ok_or_else(|| {
        usage(format!(
            "{} is not a scaffold project: it has no {}",
            dir.display(),
            project_record::FILE_NAME
        ))
    })
}
