//! Values given up front (`--answers FILE`, `--set`, the NAME argument), checked against the manifest.

use std::path::Path;

use anyhow::Result;
use serde_json::{Map, Value};

use super::yaml::read_answers_file;
use super::{SETTABLE_BUILTINS, check, coerce};
use crate::error::usage;
use crate::pack::{Pack, Variable, VariableKind};
use crate::suggest::did_you_mean;

/// Where a given value came from, for error messages.
#[derive(Debug, Clone, Copy)]
pub enum GivenSource<'a> {
    AnswersFile(&'a Path),
    Set,
    NameArgument,
}

impl std::fmt::Display for GivenSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GivenSource::AnswersFile(path) => write!(f, "in {}", path.display()),
            GivenSource::Set => f.write_str("in --set"),
            GivenSource::NameArgument => f.write_str("as the NAME argument"),
        }
    }
}

/// Reads the answers file, then `--set` pairs, then the NAME argument (later wins),
/// typing and validating every value. Unknown keys and bad values are usage errors, all of
/// them reported at once.
pub fn collect_given(
    pack: &Pack,
    answers_file: Option<&Path>,
    sets: &[String],
    name: Option<&str>,
) -> Result<Map<String, Value>> {
    let mut given = Map::new();
    let mut problems = Vec::new();
    if let Some(path) = answers_file {
        for (key, value) in read_answers_file(path)? {
            let source = GivenSource::AnswersFile(path);
            if let Err(problem) = insert(pack, &mut given, &key, &value, source) {
                problems.push(problem);
            }
        }
    }
    for pair in sets {
        let Some((key, value)) = pair.split_once('=') else {
            problems.push(format!(
                "`--set {pair}` is missing a value: write it as --set KEY=VALUE"
            ));
            continue;
        };
        let value = Value::from(value);
        if let Err(problem) = insert(pack, &mut given, key.trim(), &value, GivenSource::Set) {
            problems.push(problem);
        }
    }
    if let Some(name) = name {
        let value = Value::from(name);
        let source = GivenSource::NameArgument;
        if let Err(problem) = insert(pack, &mut given, "project_name", &value, source) {
            problems.push(problem);
        }
    }
    report(problems)?;
    Ok(given)
}

/// The answers recorded in a project's `.scaffold.yaml` (at `path`) that `pack` declares,
/// typed and validated like given values, so a hand-edited record cannot produce a broken
/// file. Every bad answer is reported at once.
pub fn recorded_answers(
    pack: &Pack,
    recorded: &Map<String, Value>,
    path: &Path,
) -> Result<Map<String, Value>> {
    let mut answers = Map::new();
    let mut problems = Vec::new();
    for (key, raw) in recorded {
        let Some(var) = pack.variable(key) else {
            continue;
        };
        match coerce(var, raw).and_then(|value| check(var, &value).map(|()| value)) {
            Ok(value) => {
                answers.insert(key.clone(), value);
            }
            Err(reason) => problems.push(format!("`{key}`: {reason}")),
        }
    }
    if problems.is_empty() {
        return Ok(answers);
    }
    Err(usage(format!(
        "{} recorded in {}: {}; correct {} there",
        if problems.len() == 1 {
            "an invalid answer is".to_owned()
        } else {
            format!("{} invalid answers are", problems.len())
        },
        path.display(),
        problems.join("; "),
        if problems.len() == 1 { "it" } else { "them" }
    )))
}

/// One usage error naming every problem, on one line, or `Ok` when there are none.
fn report(problems: Vec<String>) -> Result<()> {
    match problems.len() {
        0 => Ok(()),
        1 => Err(usage(problems.into_iter().next().unwrap_or_default())),
        n => Err(usage(format!(
            "{n} problems with the given answers: {}",
            problems.join("; ")
        ))),
    }
}

/// Types and checks one value; the problem, worded for the user, when it is bad.
fn insert(
    pack: &Pack,
    given: &mut Map<String, Value>,
    key: &str,
    raw: &Value,
    source: GivenSource<'_>,
) -> Result<(), String> {
    let builtin;
    let var = match pack.variable(key) {
        Some(var) => var,
        None if SETTABLE_BUILTINS.contains(&key) => {
            builtin = settable_builtin(key);
            &builtin
        }
        None => {
            let names = pack
                .manifest
                .variables
                .iter()
                .map(|v| v.name.as_str())
                .chain(SETTABLE_BUILTINS.iter().copied());
            return Err(format!(
                "unknown variable `{key}` {source} for pack `{}`{}; `scaffold list` shows each pack's variables",
                pack.name(),
                did_you_mean(key, names)
            ));
        }
    };
    let value = coerce(var, raw)
        .and_then(|value| check(var, &value).map(|()| value))
        .map_err(|reason| match source {
            GivenSource::NameArgument => format!("invalid project name: {reason}"),
            _ => format!("invalid value for `{key}` {source}: {reason}"),
        })?;
    given.insert(key.to_owned(), value);
    Ok(())
}

/// The declaration a settable built-in is checked against, as if a pack declared it.
fn settable_builtin(key: &str) -> Variable {
    debug_assert_eq!(
        SETTABLE_BUILTINS,
        ["year"],
        "declare every settable built-in here"
    );
    Variable {
        name: key.to_owned(),
        kind: VariableKind::Int,
        prompt: None,
        help: None,
        default: None,
        choices: vec![],
        validate: None,
        min: Some(1970),
        max: Some(9999),
        when: None,
    }
}
