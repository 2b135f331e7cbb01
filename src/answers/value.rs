//! Typed answer values: parsing text, coercing YAML, checking validation rules.

use regex::Regex;
use serde_json::Value;

use super::duration::parse_go_duration;
use super::gopath::check_module_path;
use super::text::refused_char;
use crate::pack::manifest::{Format, Validation};
use crate::pack::{Variable, VariableKind};

/// Parses what a user typed (or passed to `--set`) into the variable's type.
pub fn parse_text(var: &Variable, text: &str) -> Result<Value, String> {
    let text = text.trim();
    match var.kind {
        VariableKind::String => Ok(Value::String(text.to_owned())),
        VariableKind::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "n" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("expects a bool (true or false), got `{text}`")),
        },
        VariableKind::Int => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("expects an int, got `{text}`")),
        VariableKind::Choice => choice(var, text).map(Value::String),
        VariableKind::MultiChoice => text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| choice(var, item).map(Value::String))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

/// Converts a value from YAML (an answers file or a manifest default) into the variable's type.
pub fn coerce(var: &Variable, value: &Value) -> Result<Value, String> {
    match (var.kind, value) {
        (_, Value::String(text)) => parse_text(var, text),
        (VariableKind::Bool, Value::Bool(_)) => Ok(value.clone()),
        (VariableKind::Int, Value::Number(n)) if n.is_i64() => Ok(value.clone()),
        (VariableKind::String, Value::Number(_) | Value::Bool(_)) => {
            Ok(Value::String(display(value)))
        }
        (VariableKind::Choice, Value::Number(_) | Value::Bool(_)) => {
            parse_text(var, &display(value))
        }
        (VariableKind::MultiChoice, Value::Array(items)) => items
            .iter()
            .map(|item| choice(var, &display(item)).map(Value::String))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        _ => Err(format!(
            "expects {}, got `{}`",
            article(var.kind),
            display(value)
        )),
    }
}

/// Applies the variable's range (`min`, `max`), then its `validate` rules: single-line text
/// for strings, `max_length`, the regex (which sees the value as text so that it works for
/// every type), the forbidden values and the `format`.
pub fn check(var: &Variable, value: &Value) -> Result<(), String> {
    if let Some(number) = value.as_i64() {
        let too_small = var.min.is_some_and(|min| number < min);
        let too_large = var.max.is_some_and(|max| number > max);
        if too_small || too_large {
            let range = match (var.min, var.max) {
                (Some(min), Some(max)) => format!("from {min} to {max}"),
                (Some(min), None) => format!("{min} or more"),
                (None, Some(max)) => format!("{max} or less"),
                (None, None) => unreachable!("a bound was crossed"),
            };
            return Err(format!(
                "`{number}` is out of range: use a whole number {range}"
            ));
        }
    }
    let default_rule = Validation::default();
    let rule = var.validate.as_ref().unwrap_or(&default_rule);
    let text = display(value);
    if let Value::String(text) = value
        && let Some(found) = refused_char(text, rule.multiline)
    {
        return Err(format!(
            "{} contains {found}: {}",
            quoted_for_message(text),
            if rule.multiline {
                "remove it"
            } else {
                "give it on one line of plain text"
            }
        ));
    }
    if let Some(max) = rule.max_length
        && text.chars().count() > max
    {
        return Err(format!(
            "{} is {} characters long: use at most {max}",
            quoted_for_message(&text),
            text.chars().count(),
        ));
    }
    if !rule.regex.is_empty() {
        let regex =
            Regex::new(&rule.regex).map_err(|err| format!("has an invalid regex: {err}"))?;
        if !regex.is_match(&text) {
            return Err(if text.is_empty() {
                format!("it must not be empty: {}", rule.message)
            } else {
                format!("`{text}` is not valid: {}", rule.message)
            });
        }
    }
    if let Some(group) = rule.forbid.iter().find(|g| g.values.contains(&text)) {
        return Err(format!("`{text}` is reserved: {}", group.message));
    }
    match rule.format {
        Some(Format::Duration) => parse_go_duration(&text).map(drop),
        Some(Format::GoModulePath) => check_module_path(&text),
        None => Ok(()),
    }
}

/// The value in backticks, shortened and with invisible characters escaped, so that an
/// error about a bad value stays on one readable line.
fn quoted_for_message(text: &str) -> String {
    const SHOWN: usize = 40;
    let escaped: String = text.chars().flat_map(char::escape_debug).collect();
    let escaped = escaped.replace('`', "'");
    if escaped.chars().count() > SHOWN {
        let head: String = escaped.chars().take(SHOWN).collect();
        format!("`{head}…`")
    } else {
        format!("`{escaped}`")
    }
}

/// The value as a user would type it: `true`, `8080`, `a,b`.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The value a variable takes when it is skipped by `when` and has no default.
pub fn zero(var: &Variable) -> Value {
    match var.kind {
        VariableKind::String => Value::String(String::new()),
        VariableKind::Bool => Value::Bool(false),
        VariableKind::Int => Value::from(0),
        VariableKind::Choice => Value::String(var.choices.first().cloned().unwrap_or_default()),
        VariableKind::MultiChoice => Value::Array(Vec::new()),
    }
}

fn choice(var: &Variable, text: &str) -> Result<String, String> {
    var.choices
        .iter()
        .find(|c| c.as_str() == text)
        .or_else(|| var.choices.iter().find(|c| c.eq_ignore_ascii_case(text)))
        .cloned()
        .ok_or_else(|| format!("expects one of {}, got `{text}`", var.choices.join(", ")))
}

fn article(kind: VariableKind) -> &'static str {
    match kind {
        VariableKind::String => "a string",
        VariableKind::Bool => "a bool (true or false)",
        VariableKind::Int => "an int",
        VariableKind::Choice => "one of the choices",
        VariableKind::MultiChoice => "a list of choices",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(yaml: &str) -> Variable {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn parses_each_type() {
        let port = var("{name: port, type: int}");
        assert_eq!(parse_text(&port, "8080"), Ok(Value::from(8080)));
        assert_eq!(
            parse_text(&port, "abc"),
            Err("expects an int, got `abc`".to_owned())
        );
        let flag = var("{name: m, type: bool}");
        assert_eq!(parse_text(&flag, "no"), Ok(Value::Bool(false)));
        assert!(parse_text(&flag, "maybe").is_err());
        let license = var("{name: l, type: choice, choices: [MIT, Apache-2.0]}");
        assert_eq!(parse_text(&license, "mit"), Ok(Value::from("MIT")));
        assert!(
            parse_text(&license, "GPL")
                .unwrap_err()
                .contains("MIT, Apache-2.0")
        );
        let many = var("{name: f, type: multi-choice, choices: [a, b, c]}");
        assert_eq!(parse_text(&many, "a, c"), Ok(serde_json::json!(["a", "c"])));
        assert_eq!(parse_text(&many, ""), Ok(serde_json::json!([])));
    }

    #[test]
    fn coerces_yaml_values() {
        let port = var("{name: port, type: int}");
        assert_eq!(coerce(&port, &Value::from(9000)), Ok(Value::from(9000)));
        assert!(coerce(&port, &Value::Bool(true)).is_err());
        let name = var("{name: n, type: string}");
        assert_eq!(coerce(&name, &Value::from(42)), Ok(Value::from("42")));
        let many = var("{name: f, type: multi-choice, choices: [a, b]}");
        assert_eq!(
            coerce(&many, &serde_json::json!(["b"])),
            Ok(serde_json::json!(["b"]))
        );
    }

    #[test]
    fn checks_ranges() {
        let status = var("{name: s, type: int, min: 100, max: 599}");
        assert!(check(&status, &Value::from(204)).is_ok());
        assert_eq!(
            check(&status, &Value::from(999)),
            Err("`999` is out of range: use a whole number from 100 to 599".to_owned())
        );
        let workers = var("{name: w, type: int, min: 1}");
        assert!(
            check(&workers, &Value::from(0))
                .unwrap_err()
                .contains("1 or more")
        );
    }

    #[test]
    fn checks_regex() {
        let name =
            var("{name: n, type: string, validate: {regex: '^[a-z]+$', message: lowercase only}}");
        assert!(check(&name, &Value::from("orders")).is_ok());
        assert_eq!(
            check(&name, &Value::from("Orders")),
            Err("`Orders` is not valid: lowercase only".to_owned())
        );
    }
}
