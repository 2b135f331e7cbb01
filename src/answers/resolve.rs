//! Resolves every variable of a pack: given values, then prompts or defaults, in manifest order.

use anyhow::Result;
use serde_json::{Map, Value};

use super::{check, coerce, parse_text, zero};
use crate::error::usage;
use crate::pack::{Pack, Variable};
use crate::prompt::Prompter;
use crate::render::Engine;

/// The outcome of resolving a pack's variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// Every variable of the pack, in manifest order.
    pub answers: Map<String, Value>,
    /// The variables the user answered at a prompt.
    pub asked: Vec<String>,
    /// What templates see: the base context with pinned built-ins (`year`) and every answer.
    pub context: Map<String, Value>,
}

/// Gives every variable a value. Given values win; otherwise the prompter asks (when there is
/// one) with the default pre-filled, or the default is taken. Variables whose `when` does not
/// hold take their default without being asked. Without a prompter, every required variable
/// that has no value is reported in one usage error.
pub fn resolve(
    pack: &Pack,
    engine: &Engine,
    base: &Map<String, Value>,
    mut given: Map<String, Value>,
    mut prompter: Option<&mut dyn Prompter>,
) -> Result<Resolution> {
    let mut context = base.clone();
    if let Some(year) = given.remove("year") {
        context.insert("year".into(), year);
    }
    let mut answers = Map::new();
    let mut asked = Vec::new();
    let mut missing = Vec::new();

    for var in &pack.manifest.variables {
        let data = Value::Object(context.clone());
        let origin = format!("pack `{}`: variable `{}`", pack.name(), var.name);
        let wanted = match &var.when {
            Some(when) => engine.condition(&format!("{origin} (when)"), when, &data)?,
            None => true,
        };
        let default = default_value(engine, &origin, var, &data)?;

        let value = if let Some(value) = given.remove(&var.name) {
            value
        } else if !wanted {
            default.unwrap_or_else(|| zero(var))
        } else if let Some(prompter) = prompter.as_deref_mut() {
            let checker = |value: &Value| check(var, value);
            let value = prompter.ask(var, default.as_ref(), &checker)?;
            asked.push(var.name.clone());
            value
        } else if let Some(default) = default {
            // Once a value is missing, defaults built from it are meaningless: report the
            // missing values alone.
            let checked = if missing.is_empty() {
                check(var, &default)
            } else {
                Ok(())
            };
            checked.map_err(|reason| {
                usage(format!(
                    "the default for `{}` is invalid: {reason}; pass --set {}=VALUE",
                    var.name, var.name
                ))
            })?;
            default
        } else {
            missing.push(var.name.as_str());
            zero(var)
        };
        context.insert(var.name.clone(), value.clone());
        answers.insert(var.name.clone(), value);
    }

    if let crate::pack::Service::When(condition) = &pack.manifest.service {
        let origin = format!("pack `{}`: service", pack.name());
        let service = engine.condition(&origin, condition, &Value::Object(context.clone()))?;
        context.insert("service".into(), Value::Bool(service));
    }

    if !missing.is_empty() {
        let sets: Vec<String> = missing
            .iter()
            .map(|name| format!("--set {name}=VALUE"))
            .collect();
        return Err(usage(format!(
            "missing {} for {}: pass {} (or put them in an --answers file), or run on a terminal to be asked",
            if missing.len() == 1 {
                "a value"
            } else {
                "values"
            },
            missing
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            sets.join(" ")
        )));
    }
    Ok(Resolution {
        answers,
        asked,
        context,
    })
}

/// The variable's default with any template in it rendered against earlier answers.
fn default_value(
    engine: &Engine,
    origin: &str,
    var: &Variable,
    data: &Value,
) -> Result<Option<Value>> {
    let Some(default) = &var.default else {
        return Ok(None);
    };
    let value = match default {
        Value::String(template) => {
            let text = engine.render_str(&format!("{origin} (default)"), template, data)?;
            parse_text(var, &text)
        }
        other => coerce(var, other),
    };
    value
        .map(Some)
        .map_err(|reason| anyhow::anyhow!("{origin}: the default {reason}"))
}

#[cfg(test)]
mod tests;
