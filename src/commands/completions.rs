//! `scaffold completions SHELL` and the dynamic completers behind it.
//!
//! The script a shell sources calls back into scaffold (`COMPLETE=bash scaffold -- ...`,
//! clap_complete's `CompleteEnv`), so pack names, component names and the `--set` keys of
//! the pack on the command line always match the binary that is installed.

use std::ffi::OsStr;
use std::io::Write;

use anyhow::{Context, Result};
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::Shells;

use crate::answers::SETTABLE_BUILTINS;
use crate::cli::{CompletionsArgs, Shell};
use crate::exit_code::ExitStatus;
use crate::pack::{Catalog, Pack};

/// The environment variable that switches scaffold into answering a shell's completion request.
pub const COMPLETE_VAR: &str = "COMPLETE";

pub fn run(args: &CompletionsArgs) -> Result<ExitStatus> {
    let name = match args.shell {
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::Powershell => "powershell",
        Shell::Elvish => "elvish",
    };
    let shells = Shells::builtins();
    let completer = shells
        .completer(name)
        .with_context(|| format!("clap_complete has no {name} support"))?;
    let mut script = Vec::new();
    // The registration runs `scaffold` from PATH, so it keeps working after an upgrade.
    completer
        .write_registration(
            COMPLETE_VAR,
            "scaffold",
            "scaffold",
            "scaffold",
            &mut script,
        )
        .context("writing the completion script")?;
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// Project pack names starting with what is typed.
pub fn pack_names(current: &OsStr) -> Vec<CompletionCandidate> {
    with_catalog(|catalog| candidates(catalog.packs(), current))
}

/// Component names starting with what is typed.
pub fn component_names(current: &OsStr) -> Vec<CompletionCandidate> {
    with_catalog(|catalog| candidates(catalog.components(), current))
}

/// `--set` keys (as `KEY=`) of the pack or component named on the command line being
/// completed; once `KEY=` is typed, the variable's choices.
pub fn set_keys(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy().into_owned();
    let words: Vec<String> = std::env::args_os()
        .skip_while(|w| w != "--")
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    with_catalog(|catalog| {
        let packs = packs_on_line(catalog, &words);
        if let Some((key, typed)) = current.split_once('=') {
            let mut choices: Vec<&String> = Vec::new();
            let offered = packs
                .iter()
                .filter_map(|p| p.variable(key))
                .flat_map(|v| v.choices.iter());
            for choice in offered.filter(|choice| choice.starts_with(typed)) {
                // A component may declare the same variable as the pack (license, port).
                if !choices.contains(&choice) {
                    choices.push(choice);
                }
            }
            return choices
                .into_iter()
                .map(|choice| CompletionCandidate::new(format!("{key}={choice}")))
                .collect();
        }
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for var in packs.iter().flat_map(|p| p.manifest.variables.iter()) {
            if var.name.starts_with(&current) && !seen.contains(&var.name) {
                seen.push(var.name.clone());
                out.push(candidate(&format!("{}=", var.name), var.question()));
            }
        }
        for builtin in SETTABLE_BUILTINS {
            if builtin.starts_with(&current) && !seen.iter().any(|s| s == builtin) {
                out.push(candidate(
                    &format!("{builtin}="),
                    "pin the year in generated files",
                ));
            }
        }
        out
    })
}

/// The packs whose variables `--set` may name on this command line: for `new PACK`, the
/// pack and its default components plus any `--with`; for `add COMPONENT`, the component;
/// when none is named yet, every pack.
fn packs_on_line<'a>(catalog: &'a Catalog, words: &[String]) -> Vec<&'a Pack> {
    let chosen = named_on_line(catalog, words);
    if chosen.is_empty() {
        return catalog.packs();
    }
    chosen
}

fn named_on_line<'a>(catalog: &'a Catalog, words: &[String]) -> Vec<&'a Pack> {
    let mut chosen: Vec<&Pack> = Vec::new();
    let sub = words.iter().position(|w| w == "new" || w == "add");
    let Some(sub) = sub else {
        return chosen;
    };
    let rest = &words[sub + 1..];
    if words[sub] == "add" {
        chosen.extend(
            rest.iter()
                .find_map(|w| catalog.components().into_iter().find(|c| c.name() == w)),
        );
        return chosen;
    }
    if let Some(pack) = rest
        .iter()
        .find_map(|w| catalog.packs().into_iter().find(|p| p.name() == w))
    {
        chosen.push(pack);
        let mut wanted: Vec<String> = pack.manifest.components.clone();
        for pair in rest.windows(2) {
            if pair[0] == "--with" {
                wanted.extend(pair[1].split(',').map(str::to_owned));
            }
        }
        for w in rest {
            if let Some(list) = w.strip_prefix("--with=") {
                wanted.extend(list.split(',').map(str::to_owned));
            }
        }
        chosen.extend(
            catalog
                .components()
                .into_iter()
                .filter(|c| wanted.iter().any(|w| w == c.name())),
        );
    }
    chosen
}

fn with_catalog(f: impl FnOnce(&Catalog) -> Vec<CompletionCandidate>) -> Vec<CompletionCandidate> {
    // A broken catalog offers nothing rather than printing an error into the shell's line.
    crate::pack::catalog().map(|c| f(&c)).unwrap_or_default()
}

fn candidates(packs: Vec<&Pack>, current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    packs
        .into_iter()
        .filter(|p| p.name().starts_with(current.as_ref()))
        .map(|p| candidate(p.name(), &p.manifest.description))
        .collect()
}

fn candidate(value: &str, help: &str) -> CompletionCandidate {
    CompletionCandidate::new(value).help(Some(help.to_owned().into()))
}
