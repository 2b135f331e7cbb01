//! Handlebars helpers a template author needs: case conversion, plurals, years, defaults.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, JsonRender, Output, RenderContext,
    RenderErrorReason, handlebars_helper,
};
use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase,
};
use serde_json::Value;

handlebars_helper!(snake_case: |s: str| s.to_snake_case());
handlebars_helper!(kebab_case: |s: str| s.to_kebab_case());
handlebars_helper!(pascal_case: |s: str| s.to_upper_camel_case());
handlebars_helper!(camel_case: |s: str| s.to_lower_camel_case());
handlebars_helper!(screaming_snake_case: |s: str| s.to_shouty_snake_case());
handlebars_helper!(title_case: |s: str| s.to_title_case());
handlebars_helper!(upper: |s: str| s.to_uppercase());
handlebars_helper!(lower: |s: str| s.to_lowercase());
handlebars_helper!(plural_helper: |s: str| plural(s));
handlebars_helper!(json: |value: Json| value.to_string());
handlebars_helper!(yaml_str: |value: Json| yaml_quoted(&value.render(), 0, 0, usize::MAX));
handlebars_helper!(wrap_helper: |text: str, width: u64, indent: u64| {
    wrap(text, width as usize, indent as usize)
});
handlebars_helper!(default_helper: |value: Json, fallback: Json| {
    if is_truthy(value) { value.clone() } else { fallback.clone() }
});
handlebars_helper!(contains: |haystack: Json, needle: Json| match haystack {
    Value::Array(items) => items.contains(needle),
    Value::String(text) => text.contains(needle.render().as_str()),
    Value::Object(map) => map.contains_key(needle.render().as_str()),
    _ => false,
});

/// The helpers [`register`] adds, for tools that read templates without rendering them.
pub const NAMES: &[&str] = &[
    "snake_case",
    "kebab_case",
    "pascal_case",
    "camel_case",
    "screaming_snake_case",
    "title_case",
    "upper",
    "lower",
    "plural",
    "json",
    "default",
    "contains",
    "year",
];

/// Registers every helper on `registry`; `eq`, `ne`, `and`, `or`, `not`, `gt`, `lt`
/// come with Handlebars itself.
pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_helper("snake_case", Box::new(snake_case));
    registry.register_helper("kebab_case", Box::new(kebab_case));
    registry.register_helper("pascal_case", Box::new(pascal_case));
    registry.register_helper("camel_case", Box::new(camel_case));
    registry.register_helper("screaming_snake_case", Box::new(screaming_snake_case));
    registry.register_helper("title_case", Box::new(title_case));
    registry.register_helper("upper", Box::new(upper));
    registry.register_helper("lower", Box::new(lower));
    registry.register_helper("plural", Box::new(plural_helper));
    registry.register_helper("json", Box::new(json));
    registry.register_helper("yaml_str", Box::new(yaml_str));
    registry.register_helper("wrap", Box::new(wrap_helper));
    registry.register_helper("default", Box::new(default_helper));
    registry.register_helper("contains", Box::new(contains));
    registry.register_helper("year", Box::new(year));
}

/// `{{year}}`: the year being rendered, taken from the context so `--set year=` pins it.
fn year(
    _: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let year = ctx
        .data()
        .get("year")
        .ok_or_else(|| RenderErrorReason::MissingVariable(Some("year".to_owned())))?;
    out.write(&year.render())?;
    Ok(())
}

/// Handlebars truthiness: empty strings, zero, false, null and empty lists are false.
fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// `{{wrap text 80 4}}`: `text` broken at spaces into lines of at most `width` columns,
/// for a template line that starts with `indent` spaces; later lines get the same indent.
/// A word longer than a line stays whole. Used inside YAML block scalars, where a long
/// answer would otherwise run past the line length linters allow.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let room = width.saturating_sub(indent).max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut line));
        } else if !lines.is_empty() || !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

/// `text` as a YAML double-quoted scalar that starts `first_column` characters into its
/// line and keeps every line within `width` columns: long text continues on lines indented
/// by `indent`, joined by escaped line breaks, so it reads back exactly as given whatever
/// it holds (quotes, `: `, `#`, backslashes, any Unicode).
pub fn yaml_quoted(text: &str, first_column: usize, indent: usize, width: usize) -> String {
    // Each character as it is written between double quotes.
    let units: Vec<String> = text.chars().map(yaml_escape).collect();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::from("\"");
    let mut column = first_column + 1;
    let mut start = true;
    for (unit, c) in units.iter().zip(text.chars()) {
        // A continuation line loses its leading spaces unless they are escaped.
        let unit = if start && c == ' ' && !lines.is_empty() {
            "\\ "
        } else {
            unit.as_str()
        };
        let len = unit.chars().count();
        // Room for the unit and a closing `\` (or `"`).
        if !start && column + len + 1 > width {
            line.push('\\');
            lines.push(std::mem::take(&mut line));
            line = " ".repeat(indent);
            column = indent;
            let unit = if c == ' ' { "\\ " } else { unit };
            line.push_str(unit);
            column += unit.chars().count();
            continue;
        }
        line.push_str(unit);
        column += len;
        start = false;
    }
    line.push('"');
    lines.push(line);
    lines.join("\n")
}

/// One character as it is written in a YAML double-quoted scalar.
fn yaml_escape(c: char) -> String {
    match c {
        '"' => "\\\"".to_owned(),
        '\\' => "\\\\".to_owned(),
        '\n' => "\\n".to_owned(),
        '\t' => "\\t".to_owned(),
        '\r' => "\\r".to_owned(),
        '\u{85}' => "\\N".to_owned(),
        '\u{a0}' => "\\_".to_owned(),
        '\u{2028}' => "\\L".to_owned(),
        '\u{2029}' => "\\P".to_owned(),
        c if c.is_control() || c == '\u{feff}' || u32::from(c) & 0xfffe == 0xfffe => {
            format!("\\u{:04X}", u32::from(c))
        }
        c => c.to_string(),
    }
}

/// English plural of a lowercase identifier's last word, good enough for resource names.
pub fn plural(word: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[("person", "people"), ("child", "children")];
    if let Some((single, many)) = IRREGULAR.iter().find(|(single, _)| word.ends_with(single)) {
        return format!("{}{many}", &word[..word.len() - single.len()]);
    }
    let vowel_before = |suffix_len: usize| {
        word[..word.len() - suffix_len]
            .chars()
            .last()
            .is_some_and(|c| "aeiou".contains(c))
    };
    if word.ends_with('y') && !vowel_before(1) {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|s| word.ends_with(s))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let wrapped = wrap(text, 24, 4);
        assert_eq!(
            wrapped,
            "one two three four\n    five six seven eight\n    nine ten eleven\n    twelve"
        );
        for line in format!("    {wrapped}").lines() {
            assert!(
                line.chars().count() <= 24 || !line.trim().contains(' '),
                "{line}"
            );
        }
        assert_eq!(wrap("short", 80, 4), "short");
        assert_eq!(wrap(&"x".repeat(100), 80, 4), "x".repeat(100));
    }

    #[test]
    fn yaml_quoted_text_reads_back_exactly_and_fits_the_width() {
        for text in [
            "plain words",
            "quotes \" and \\ backslashes, key: value # not a comment",
            "  leading and trailing spaces  ",
            "a line\nbreak, a tab\t, NEL\u{85}, LS\u{2028}, NBSP\u{a0}, NUL\0 and BOM\u{feff}",
            &"ünïcödé ☃ 🎉 日本語 ".repeat(12),
            &"x".repeat(200),
            &" spaced out ".repeat(20),
        ] {
            let quoted = yaml_quoted(text, 15, 4, 80);
            let doc = format!("  description: {quoted}\n");
            for line in doc.lines() {
                assert!(line.chars().count() <= 80, "{line:?}");
                assert!(!line.ends_with(' '), "{line:?}");
            }
            let parsed: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&format!("description: {quoted}\n")).unwrap();
            assert_eq!(parsed["description"], text, "{doc}");
        }
        assert_eq!(yaml_quoted("a \"b\"", 0, 0, usize::MAX), "\"a \\\"b\\\"\"");
    }

    #[test]
    fn plurals() {
        for (single, many) in [
            ("order", "orders"),
            ("category", "categories"),
            ("day", "days"),
            ("box", "boxes"),
            ("address", "addresses"),
            ("line_item", "line_items"),
            ("branch", "branches"),
            ("person", "people"),
            ("salesperson", "salespeople"),
        ] {
            assert_eq!(plural(single), many);
        }
    }
}
