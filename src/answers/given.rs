//! Values given up front (`--answers FILE`, `--set`, the NAME argument), checked against the manifest.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Map, Value};

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
/// typing and validating every value. Unknown keys and bad values are usage errors.
pub fn collect_given(
    pack: &Pack,
    answers_file: Option<&Path>,
    sets: &[String],
    name: Option<&str>,
) -> Result<Map<String, Value>> {
    let mut given = Map::new();
    if let Some(path) = answers_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the answers file {}", path.display()))
            .map_err(|err| usage(format!("{err:#}")))?;
        let values: Map<String, Value> = if text.trim().is_empty() {
            Map::new()
        } else {
            serde_saphyr::from_str(&text).map_err(|err| {
                // The parser's message is followed by a source snippet; the first line says it.
                let err = err.to_string();
                let reason = err
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches("error: ");
                usage(format!(
                    "{} is not a YAML mapping of `key: value` answers: {reason}",
                    path.display()
                ))
            })?
        };
        for (key, value) in values {
            insert(
                pack,
                &mut given,
                &key,
                &value,
                GivenSource::AnswersFile(path),
            )?;
        }
    }
    for pair in sets {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            usage(format!(
                "`--set {pair}` is missing a value: write it as --set KEY=VALUE"
            ))
        })?;
        insert(
            pack,
            &mut given,
            key.trim(),
            &Value::from(value),
            GivenSource::Set,
        )?;
    }
    if let Some(name) = name {
        insert(
            pack,
            &mut given,
            "project_name",
            &Value::from(name),
            GivenSource::NameArgument,
        )?;
    }
    Ok(given)
}

fn insert(
    pack: &Pack,
    given: &mut Map<String, Value>,
    key: &str,
    raw: &Value,
    source: GivenSource<'_>,
) -> Result<()> {
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
            return Err(usage(format!(
                "unknown variable `{key}` {source} for pack `{}`{}; `scaffold list` shows each pack's variables",
                pack.name(),
                did_you_mean(key, names)
            )));
        }
    };
    let value = coerce(var, raw)
        .and_then(|value| check(var, &value).map(|()| value))
        .map_err(|reason| match source {
            GivenSource::NameArgument => usage(format!("invalid project name: {reason}")),
            _ => usage(format!("invalid value for `{key}` {source}: {reason}")),
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
