//! `scaffold new`: resolve answers, render a pack in memory, write it atomically.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use crate::answers::{base_context, collect_given, current_year, display, resolve};
use crate::cli::NewArgs;
use crate::error::usage;
use crate::exit_code::ExitStatus;
use crate::output::{self, WriteOutcome};
use crate::pack::{self, Catalog, Pack, globals};
use crate::project_record::{self, ProjectRecord};
use crate::prompt::{Prompter, TerminalPrompter};
use crate::render::{Engine, RenderedFile};
use crate::update::sha256_hex;
use crate::{git, say, shell};

pub fn run(mut args: NewArgs) -> Result<ExitStatus> {
    let interactive =
        !args.defaults && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut terminal = TerminalPrompter::default();

    // With `--pack SOURCE`, the one positional argument is the project name.
    if let Some(source) = args.pack_source.take() {
        if args.name.is_some() {
            return Err(usage(format!(
                "--pack {source} names the pack already: give only the project name as an argument"
            )));
        }
        args.name = args.pack.replace(source);
    }
    let catalog = pack::catalog()?;
    let chosen_pack = &pick_pack(
        &catalog,
        args.pack.as_deref(),
        args.refresh,
        ask(interactive, &mut terminal),
    )?;
    // `--force` over a scaffold project re-renders it as it was recorded, under its lock.
    let (early_claim, recorded) = claim_recorded(&args)?;
    let same_pack = recorded.as_ref().filter(|r| {
        r.pack
            .as_ref()
            .is_some_and(|p| p.name == chosen_pack.name())
    });
    let components = match same_pack {
        Some(record) => recorded_components(&catalog, chosen_pack, &record.components, &args)?,
        None => pick_components(
            &catalog,
            chosen_pack,
            &args,
            ask(interactive, &mut terminal),
        )?,
    };
    for piece in std::iter::once(chosen_pack).chain(components.iter().copied()) {
        pack::validate(piece)?;
    }
    // One variable list for the pack and its components, so a shared answer is asked once.
    let composed = pack::compose(chosen_pack, &components);
    let pack = &composed;
    let mut given = recorded_answers(pack, recorded.as_ref());
    given.extend(collect_given(
        pack,
        args.answers.as_deref(),
        &args.set,
        args.name.as_deref(),
    )?);
    if recorded.is_some() && !args.quiet && !args.json {
        say!(
            "Using the {} recorded in {}; --set, --answers, --with and --without still apply.",
            if same_pack.is_some() {
                "answers and components"
            } else {
                "answers"
            },
            early_destination(&args)
                .unwrap_or_default()
                .join(project_record::FILE_NAME)
                .display()
        );
        say!(
            "hint: --force overwrites every file you changed; `scaffold update` brings a \
             project to the newest pack and merges your changes instead"
        );
    }
    if args.git && !args.dry_run {
        git::check_can_commit()?;
    }
    // Refuse an occupied destination before asking anything, when it is already known.
    if let (Some(name), false, None) = (&args.name, args.dry_run, &early_claim) {
        output::inspect(&destination(&args, name), args.force)?;
    }

    let engine = Engine::new()?;
    let base = base_context(
        pack,
        &components,
        globals()?,
        current_year(),
        &git::identity(),
    );
    let resolution = resolve(pack, &engine, &base, given, ask(interactive, &mut terminal))?;
    let project_name = resolution.answers["project_name"]
        .as_str()
        .context("project_name must be a string")?
        .to_owned();
    let dest = destination(&args, &project_name);

    let data = Value::Object(resolution.context.clone());
    let pieces: Vec<&Pack> = std::iter::once(pack)
        .chain(components.iter().copied())
        .collect();
    let mut files = engine.render_project(&pieces, &data)?;
    let mut recorded = resolution.answers.clone();
    recorded.insert("year".into(), data["year"].clone());
    let mut record = ProjectRecord::new(pack, recorded);
    record.components = components.iter().map(|c| c.name().to_owned()).collect();
    record.files = files
        .iter()
        .map(|f| (f.path.clone(), sha256_hex(&f.contents)))
        .collect();
    files.push(RenderedFile {
        path: project_record::FILE_NAME.to_owned(),
        contents: record.to_yaml()?.into_bytes(),
        executable: false,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));

    if !args.dry_run
        && let Ok(Some(ProjectRecord {
            pack: Some(recorded),
            ..
        })) = ProjectRecord::read(&dest)
    {
        recorded.check_pin(chosen_pack)?;
    }
    if !args.dry_run {
        crate::render::check_destination(&dest, &files)?;
    }
    let outcome = if args.dry_run {
        None
    } else {
        let git = args.git;
        let claim = match early_claim {
            Some(claim) => claim,
            None => output::claim(&dest, args.force)?,
        };
        Some(claim.write(&files, &[], |dir| {
            if git {
                git::init_and_commit(
                    dir,
                    &format!("Initial commit from scaffold {}", pack.name()),
                )
            } else {
                Ok(())
            }
        })?)
    };

    let summary = Summary {
        pack,
        project_name: &project_name,
        dest: &dest,
        files: &files,
        outcome: outcome.as_ref(),
        answers: &resolution.answers,
        components: &record.components,
        git: args.git && !args.dry_run,
    };
    if args.json {
        summary.print_json()?;
    } else if !args.quiet {
        summary.print_human()?;
    }
    if outcome.is_some() {
        let prompter = ask(interactive, &mut terminal);
        pack::hooks::run(
            chosen_pack,
            &dest,
            pack::manifest::HookEvent::Generate,
            args.allow_hooks,
            prompter,
        )?;
    }
    if interactive && !resolution.asked.is_empty() && !args.quiet {
        say!(
            "\nTo generate the same project without questions (e.g. in CI):\n  {}",
            equivalent_command(
                &args,
                pack,
                &record.components,
                &resolution.answers,
                &resolution.asked
            )
        );
    }
    if !args.quiet {
        crate::answers::warn_placeholders(&resolution.answers);
    }
    Ok(ExitStatus::Success)
}

/// The prompter to use, or none when scaffold must not ask.
fn ask(interactive: bool, terminal: &mut TerminalPrompter) -> Option<&mut dyn Prompter> {
    if interactive { Some(terminal) } else { None }
}

fn pick_pack(
    catalog: &Catalog,
    name: Option<&str>,
    refresh: bool,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Pack> {
    if let Some(name) = name {
        return pack::open(name, catalog, refresh);
    }
    let names: Vec<&str> = catalog.packs().into_iter().map(Pack::name).collect();
    let Some(prompter) = prompter else {
        return Err(usage(format!(
            "no pack given and no terminal to ask on: run `scaffold new PACK NAME` with PACK one of {}",
            names.join(", ")
        )));
    };
    let offered: Vec<(&str, &str)> = catalog
        .packs()
        .iter()
        .map(|p| (p.name(), p.manifest.description.as_str()))
        .collect();
    let index = prompter.choose_pack(&offered)?;
    Ok(catalog.packs()[index].clone())
}

/// The pack's default components adjusted by `--with`/`--without`; on a terminal without
/// those flags, a multi-select offers every component with the defaults ticked.
fn pick_components<'a>(
    catalog: &'a Catalog,
    pack: &Pack,
    args: &NewArgs,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Vec<&'a Pack>> {
    let selected = pack::select_components(catalog, pack, &args.with, &args.without)?;
    let offered = pack::offered(catalog, pack);
    let Some(prompter) = prompter else {
        return Ok(selected);
    };
    if offered.is_empty() || !args.with.is_empty() || !args.without.is_empty() {
        return Ok(selected);
    }
    let items: Vec<(&str, &str)> = offered
        .iter()
        .map(|c| (c.name(), c.manifest.description.as_str()))
        .collect();
    let ticked: Vec<bool> = offered
        .iter()
        .map(|c| selected.iter().any(|s| s.name() == c.name()))
        .collect();
    let picked = prompter.choose_components(&items, &ticked)?;
    Ok(offered
        .into_iter()
        .enumerate()
        .filter(|(i, _)| picked.contains(i))
        .map(|(_, c)| c)
        .collect())
}

/// The destination when it is known before answers are resolved.
fn early_destination(args: &NewArgs) -> Option<PathBuf> {
    args.output
        .clone()
        .or_else(|| args.name.as_ref().map(PathBuf::from))
}

/// With `--force` and a known destination: the destination, claimed (locked, with what
/// interrupted runs left undone), and the project record it holds.
fn claim_recorded(args: &NewArgs) -> Result<(Option<output::Claim>, Option<ProjectRecord>)> {
    let Some(dest) = early_destination(args).filter(|_| args.force) else {
        return Ok((None, None));
    };
    let claim = if args.dry_run {
        None
    } else {
        Some(output::claim(&dest, true)?)
    };
    let record = if dest.is_dir() {
        ProjectRecord::read(&dest)?
    } else {
        None
    };
    Ok((claim, record))
}

/// Recorded answers the pack declares, and the recorded year, so re-rendering changes
/// nothing the user did not ask to change.
fn recorded_answers(pack: &Pack, record: Option<&ProjectRecord>) -> Map<String, Value> {
    let Some(record) = record else {
        return Map::new();
    };
    record
        .answers
        .iter()
        .filter(|(key, _)| pack.variable(key).is_some() || key.as_str() == "year")
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// The recorded components adjusted by `--with`/`--without`, in the catalog's order.
fn recorded_components<'a>(
    catalog: &'a Catalog,
    pack: &Pack,
    recorded: &[String],
    args: &NewArgs,
) -> Result<Vec<&'a Pack>> {
    // Checks the flags' names and combinations the same way as without a record.
    pack::select_components(catalog, pack, &args.with, &args.without)?;
    Ok(pack::offered(catalog, pack)
        .into_iter()
        .filter(|c| {
            let name = &c.manifest.name;
            (recorded.contains(name) || args.with.contains(name)) && !args.without.contains(name)
        })
        .collect())
}

fn destination(args: &NewArgs, project_name: &str) -> PathBuf {
    args.output
        .clone()
        .unwrap_or_else(|| PathBuf::from(project_name))
}

/// The `scaffold new` command line that reproduces an interactive run without prompts.
fn equivalent_command(
    args: &NewArgs,
    pack: &Pack,
    components: &[String],
    answers: &Map<String, Value>,
    asked: &[String],
) -> String {
    let mut words = vec![
        "scaffold".to_owned(),
        "new".to_owned(),
        shell::quote(args.pack.as_deref().unwrap_or(pack.name())),
    ];
    if let Some(Value::String(name)) = answers.get("project_name") {
        words.push(shell::quote(name));
    }
    if let Some(output) = &args.output {
        words.push("-o".into());
        words.push(shell::quote(&output.display().to_string()));
    }
    if let Some(file) = &args.answers {
        words.push("--answers".into());
        words.push(shell::quote(&file.display().to_string()));
    }
    words.push("--defaults".into());
    let defaults = &pack.manifest.components;
    let with: Vec<&str> = components
        .iter()
        .filter(|c| !defaults.contains(c))
        .map(String::as_str)
        .collect();
    let without: Vec<&str> = defaults
        .iter()
        .filter(|c| !components.contains(c))
        .map(String::as_str)
        .collect();
    for (flag, names) in [("--with", with), ("--without", without)] {
        if !names.is_empty() {
            words.push(flag.into());
            words.push(names.join(","));
        }
    }
    for set in &args.set {
        words.push("--set".into());
        words.push(shell::quote(set));
    }
    for name in asked.iter().filter(|name| name.as_str() != "project_name") {
        words.push("--set".into());
        words.push(shell::quote(&format!("{name}={}", display(&answers[name]))));
    }
    for flag in [(args.force, "--force"), (args.git, "--git")] {
        if flag.0 {
            words.push(flag.1.into());
        }
    }
    words.join(" ")
}

struct Summary<'a> {
    pack: &'a Pack,
    project_name: &'a str,
    dest: &'a Path,
    files: &'a [RenderedFile],
    outcome: Option<&'a WriteOutcome>,
    answers: &'a Map<String, Value>,
    components: &'a [String],
    git: bool,
}

impl Summary<'_> {
    fn action(&self, path: &str) -> &'static str {
        let Some(outcome) = self.outcome else {
            return "would-write";
        };
        let has = |list: &[String]| list.iter().any(|p| p == path);
        if has(&outcome.overwritten) {
            "overwritten"
        } else if has(&outcome.unchanged) {
            "unchanged"
        } else {
            "created"
        }
    }

    fn print_json(&self) -> Result<()> {
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| json!({"path": f.path, "bytes": f.contents.len(), "action": self.action(&f.path)}))
            .collect();
        let summary = json!({
            "pack": self.pack.name(),
            "pack_version": self.pack.manifest.version,
            "project_name": self.project_name,
            "path": self.dest.display().to_string(),
            "dry_run": self.outcome.is_none(),
            "git": self.git,
            "components": self.components,
            "answers": self.answers,
            "placeholders": crate::answers::placeholders(self.answers),
            "files": files,
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
        Ok(())
    }

    fn print_human(&self) -> Result<()> {
        let dest = self.dest.display();
        let count = self.files.len();
        let Some(outcome) = self.outcome else {
            let mut out = std::io::stdout().lock();
            for file in self.files {
                writeln!(out, "{:>8}  {}", file.contents.len(), file.path)?;
            }
            say!(
                "Dry run: {count} files of pack {} would be written to {dest}; nothing was written.",
                self.pack.name()
            );
            return Ok(());
        };
        say!(
            "Created {} from pack {} {} in {dest} ({count} files{}).",
            self.project_name,
            self.pack.name(),
            self.pack.manifest.version,
            if self.git { ", initial git commit" } else { "" }
        );
        if !outcome.overwritten.is_empty() {
            say!("Overwritten: {}", outcome.overwritten.join(", "));
        }
        say!("Next: cd {} && make test", shell::quote(&dest.to_string()));
        Ok(())
    }
}
