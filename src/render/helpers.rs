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
