//! What a template refers to, read from Handlebars' parsed syntax tree: the variables it
//! uses (with where) and the partials it includes.

use handlebars::template::{BlockParam, Parameter, Template, TemplateElement};
use handlebars::{Path, TemplateError};

use super::located::Position;

/// The helpers every template may call: Handlebars' own and scaffold's.
const HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len",
];

/// One use of a name as a top-level variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    pub at: Position,
    /// Tested by an enclosing `{{#if name}}` (or is that test): optional, so a pack that
    /// does not declare it is fine.
    pub guarded: bool,
}

/// What one template uses.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Uses {
    pub variables: Vec<Reference>,
    pub partials: Vec<Reference>,
}

/// A template that does not parse, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsable {
    pub at: Position,
    pub message: String,
}

/// Parses `text` and lists what it uses; a parse error comes with its position.
pub fn scan(text: &str) -> Result<Uses, Unparsable> {
    let template = Template::compile(text).map_err(|err| unparsable(&err))?;
    let mut uses = Uses::default();
    walk(&template, &Scope::default(), &mut uses);
    Ok(uses)
}

/// The uses of a `when` condition: `with_metrics` or `(eq platform "discord")`.
pub fn scan_condition(expression: &str) -> Result<Uses, Unparsable> {
    scan(&format!("{{{{#if {}}}}}1{{{{/if}}}}", expression.trim()))
}

fn unparsable(err: &TemplateError) -> Unparsable {
    let (line, col) = err.pos().unwrap_or((1, 1));
    Unparsable {
        at: Position { line, col },
        message: err.reason().to_string().trim_end().to_owned(),
    }
}

/// Which names are not top-level variables where an element sits: inside `each` or `with`
/// plain names refer to the current item, and block parameters (`as |item|`) are local.
#[derive(Debug, Default, Clone)]
struct Scope {
    /// How many context-changing blocks enclose the element.
    depth: usize,
    locals: Vec<String>,
    /// Names tested by an enclosing `{{#if name}}` or `{{#unless name}}`.
    guarded: Vec<String>,
}

fn is_helper(name: &str) -> bool {
    HELPERS.contains(&name) || crate::render::HELPER_NAMES.contains(&name)
}

fn walk(template: &Template, scope: &Scope, uses: &mut Uses) {
    for (index, element) in template.elements.iter().enumerate() {
        let at = template
            .mapping
            .get(index)
            .map_or(Position { line: 1, col: 1 }, |m| Position {
                line: m.0,
                col: m.1,
            });
        match element {
            TemplateElement::Expression(helper) | TemplateElement::HtmlExpression(helper) => {
                let simple = helper.params.is_empty() && helper.hash.is_empty();
                match &helper.name {
                    // `{{year}}` calls a helper; `{{name}}` reads a variable.
                    Parameter::Name(name) | Parameter::Path(Path::Relative((_, name)))
                        if simple && is_helper(name) => {}
                    Parameter::Name(name) if simple => reference(name, at, scope, uses),
                    Parameter::Name(_) => {}
                    name => parameter(name, at, scope, uses),
                }
                arguments(&helper.params, helper.hash.values(), at, scope, uses);
            }
            TemplateElement::HelperBlock(helper) => {
                let mut inner = scope.clone();
                let tested = match (&helper.name, helper.params.as_slice()) {
                    (Parameter::Name(name), [Parameter::Path(Path::Relative((_, raw)))])
                        if matches!(name.as_str(), "if" | "unless") && scope.depth == 0 =>
                    {
                        Some(raw.split(['.', '/']).next().unwrap_or_default().to_owned())
                    }
                    _ => None,
                };
                let mut test_scope = scope.clone();
                if let Some(name) = tested {
                    test_scope.guarded.push(name.clone());
                    inner.guarded.push(name);
                }
                arguments(&helper.params, helper.hash.values(), at, &test_scope, uses);
                if let Parameter::Name(name) = &helper.name {
                    if matches!(name.as_str(), "each" | "with") {
                        inner.depth += 1;
                    } else if !is_helper(name) && helper.params.is_empty() {
                        // `{{#items}}…{{/items}}`: a section over a variable.
                        reference(name, at, scope, uses);
                        inner.depth += 1;
                    }
                }
                match &helper.block_param {
                    Some(BlockParam::Single(p)) => inner.locals.extend(param_name(p)),
                    Some(BlockParam::Pair((a, b))) => {
                        inner.locals.extend(param_name(a));
                        inner.locals.extend(param_name(b));
                    }
                    _ => {}
                }
                if let Some(body) = &helper.template {
                    walk(body, &inner, uses);
                }
                if let Some(inverse) = &helper.inverse {
                    walk(inverse, &test_scope, uses);
                }
            }
            TemplateElement::PartialExpression(partial)
            | TemplateElement::PartialBlock(partial) => {
                if let Some(name) = param_name(&partial.name) {
                    uses.partials.push(Reference {
                        name,
                        at,
                        guarded: false,
                    });
                }
                arguments(&partial.params, partial.hash.values(), at, scope, uses);
                if let Some(body) = &partial.template {
                    walk(body, scope, uses);
                }
            }
            TemplateElement::DecoratorExpression(_)
            | TemplateElement::DecoratorBlock(_)
            | TemplateElement::RawString(_)
            | TemplateElement::Comment(_) => {}
            _ => {}
        }
    }
}

fn arguments<'a>(
    params: &'a [Parameter],
    hash: impl Iterator<Item = &'a Parameter>,
    at: Position,
    scope: &Scope,
    uses: &mut Uses,
) {
    for param in params.iter().chain(hash) {
        parameter(param, at, scope, uses);
    }
}

fn parameter(param: &Parameter, at: Position, scope: &Scope, uses: &mut Uses) {
    match param {
        Parameter::Path(Path::Relative((_, raw))) => reference(raw, at, scope, uses),
        Parameter::Subexpression(sub) => {
            if let TemplateElement::Expression(helper) = sub.element.as_ref() {
                if let Parameter::Name(name) = &helper.name
                    && !is_helper(name)
                    && helper.params.is_empty()
                {
                    reference(name, at, scope, uses);
                }
                arguments(&helper.params, helper.hash.values(), at, scope, uses);
            }
        }
        _ => {}
    }
}

fn param_name(param: &Parameter) -> Option<String> {
    match param {
        Parameter::Name(name) => Some(name.clone()),
        Parameter::Path(Path::Relative((_, raw)) | Path::Local((_, _, raw))) => Some(raw.clone()),
        _ => None,
    }
}

/// Records `raw` (`name`, `name.field`, `@root.name`, `../name`) when it names a top-level
/// variable from where it is written.
fn reference(raw: &str, at: Position, scope: &Scope, uses: &mut Uses) {
    let (mut rest, top_level) = if let Some(rest) = raw
        .strip_prefix("@root.")
        .or_else(|| raw.strip_prefix("@root/"))
    {
        (rest, true)
    } else {
        let mut rest = raw;
        let mut ups = 0;
        while let Some(after) = rest.strip_prefix("../") {
            rest = after;
            ups += 1;
        }
        (rest, ups >= scope.depth)
    };
    for prefix in ["this.", "this/", "./"] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let name = rest.split(['.', '/', '[']).next().unwrap_or_default();
    if !top_level
        || name.is_empty()
        || name == "this"
        || name.starts_with('@')
        || scope.locals.iter().any(|local| local == name)
    {
        return;
    }
    uses.variables.push(Reference {
        name: name.to_owned(),
        at,
        guarded: scope.guarded.iter().any(|g| g == name),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        scan(text)
            .unwrap()
            .variables
            .into_iter()
            .map(|r| r.name)
            .collect()
    }

    #[test]
    fn finds_top_level_variables_only() {
        assert_eq!(
            names("{{a}} {{pascal_case b}} {{#if (eq c \"x\")}}{{d.e}}{{/if}} {{year}}"),
            ["a", "b", "c", "d"]
        );
        assert_eq!(
            names("{{#each items}}{{name}} {{../top}} {{@index}}{{/each}}"),
            ["items", "top"]
        );
        assert_eq!(
            names("{{#each items as |item|}}{{item.name}} {{other}}{{/each}}"),
            ["items"]
        );
        assert_eq!(names("\\{{ .Values.image }} {{@root.x}}"), ["x"]);
        let guarded = scan("{{#if opt}}a {{opt}}{{else}}{{opt}}{{/if}} {{opt}}").unwrap();
        let flags: Vec<bool> = guarded.variables.iter().map(|r| r.guarded).collect();
        assert_eq!(flags, [true, true, true, false]);
        let guarded = scan("{{#if opt}}a {{opt}}{{else}}{{opt}}{{/if}} {{opt}}").unwrap();
        let flags: Vec<bool> = guarded.variables.iter().map(|r| r.guarded).collect();
        assert_eq!(flags, [true, true, true, false]);
    }

    #[test]
    fn positions_and_partials() {
        let uses = scan("line one\n  {{> usage}} {{name}}\n").unwrap();
        assert_eq!(uses.partials[0].name, "usage");
        assert_eq!(uses.variables[0].at, Position { line: 2, col: 15 });
        let err = scan("ok\n{{#if x}}\n").unwrap_err();
        assert!(err.at.line >= 2, "{err:?}");
    }
}
