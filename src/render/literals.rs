//! Hoists plain lines out of a template before Handlebars parses it.
//!
//! Most of a Go template is code without a single `{{`. Handlebars' parser walks such
//! text a character at a time, so each run of plain lines is replaced by one lookup of
//! the `_lit N` helper, which writes the run unchanged. Lines next to whitespace
//! control (`~`) and templates with raw blocks are left as they are, since those read
//! the text around them.

use std::sync::{Arc, RwLock};

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason,
};

/// The helper that writes hoisted run N.
pub const HELPER: &str = "_lit";

/// Every run hoisted so far, shared by the engine (which adds) and the helper (which reads).
#[derive(Clone, Default)]
pub struct Table(Arc<RwLock<Vec<String>>>);

impl HelperDef for Table {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let table = self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let text = helper
            .param(0)
            .and_then(|index| index.value().as_u64())
            .and_then(|index| table.get(index as usize))
            .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex(HELPER, 0))?;
        out.write(text)?;
        Ok(())
    }
}

/// Shorter text stays in the template: parsing it is cheaper than a helper call.
const MIN_HOISTED: usize = 24;

/// A template with its plain runs hoisted out.
pub struct Hoisted {
    pub template: String,
    literals: Vec<String>,
    /// For each line of `template`, the line of the original it starts with (0-based).
    pub line_map: Vec<usize>,
    /// The table index of this template's first hoisted run.
    first_index: usize,
}

/// Hoists `template`'s plain text into `table`.
pub fn hoist(template: &str, table: &Table) -> Hoisted {
    let mut literals = table
        .0
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut hoisted = hoist_from(template, literals.len());
    literals.append(&mut hoisted.literals);
    hoisted
}

fn hoist_from(template: &str, first_index: usize) -> Hoisted {
    let lines: Vec<&str> = template.split_inclusive('\n').collect();
    let mut hoisted = Hoisted {
        template: String::with_capacity(template.len() / 4),
        literals: Vec::new(),
        line_map: Vec::with_capacity(lines.len()),
        first_index,
    };
    let kinds = classify(template, &lines);
    let mut i = 0;
    while i < lines.len() {
        match kinds[i] {
            Line::Keep => {
                hoisted.template.push_str(lines[i]);
                hoisted.line_map.push(i);
                i += 1;
            }
            Line::Expressions => {
                hoist_between_expressions(&mut hoisted, lines[i]);
                hoisted.line_map.push(i);
                i += 1;
            }
            Line::Plain => {
                let start = i;
                while i < lines.len() && kinds[i] == Line::Plain {
                    i += 1;
                }
                let run: String = lines[start..i].concat();
                // Keep the run's final newline in the template, so the line structure
                // that Handlebars' standalone-tag rules look at is unchanged.
                let (body, newline) = match run.strip_suffix('\n') {
                    Some(body) => (body, "\n"),
                    None => (run.as_str(), ""),
                };
                push_literal(&mut hoisted, body);
                hoisted.template.push_str(newline);
                hoisted.line_map.push(start);
            }
        }
    }
    hoisted
}

/// A line of simple `{{expression}}`s: the text between them is hoisted, the
/// expressions and the newline stay.
fn hoist_between_expressions(hoisted: &mut Hoisted, line: &str) {
    let (body, newline) = match line.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (line, ""),
    };
    let mut rest = body;
    while let Some(open) = rest.find("{{") {
        push_literal(hoisted, &rest[..open]);
        let close = rest[open..].find("}}").map_or(rest.len(), |i| open + i + 2);
        hoisted.template.push_str(&rest[open..close]);
        rest = &rest[close..];
    }
    push_literal(hoisted, rest);
    hoisted.template.push_str(newline);
}

fn push_literal(hoisted: &mut Hoisted, text: &str) {
    // Short text costs less to parse than a helper call.
    if text.len() < MIN_HOISTED {
        hoisted.template.push_str(text);
        return;
    }
    let index = hoisted.first_index + hoisted.literals.len();
    hoisted.literals.push(text.to_owned());
    hoisted
        .template
        .push_str(&format!("{{{{{HELPER} {index}}}}}"));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// No braces at all: hoisted whole, with its neighbours.
    Plain,
    /// Only simple expressions on one line: the text between them is hoisted.
    Expressions,
    /// Blocks, partials, comments, escapes or whitespace control: left as written.
    Keep,
}

/// Sorts each line; anything near whitespace control, inside a multi-line expression or
/// in a template with raw blocks is kept as written.
fn classify(template: &str, lines: &[&str]) -> Vec<Line> {
    if template.contains("{{{{") {
        return vec![Line::Keep; lines.len()];
    }
    let mut kinds = vec![Line::Keep; lines.len()];
    let mut open = 0i64;
    for (i, line) in lines.iter().enumerate() {
        let had_open = open > 0;
        open += line.matches("{{").count() as i64 - line.matches("}}").count() as i64;
        open = open.max(0);
        let after_strip = i > 0 && lines[i - 1].trim_end().ends_with("~}}");
        let before_strip = lines
            .get(i + 1)
            .is_some_and(|next| next.trim_start().starts_with("{{~"));
        if had_open || open > 0 || after_strip || before_strip {
            continue;
        }
        kinds[i] = if !line.contains("{{") && !line.contains("}}") {
            Line::Plain
        } else if simple_expressions_only(line) {
            Line::Expressions
        } else {
            Line::Keep
        };
    }
    kinds
}

/// True when every `{{` on the line opens a plain expression: no block, partial,
/// comment, triple-stash, whitespace control or escape, and braces are balanced.
fn simple_expressions_only(line: &str) -> bool {
    if line.contains("\\{{") || line.contains('~') || line.contains("{{{") || line.contains("}}}") {
        return false;
    }
    let mut rest = line;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        if after.starts_with(['#', '/', '^', '>', '!', '&', '*'])
            || after.trim_start().starts_with("else")
        {
            return false;
        }
        let Some(close) = after.find("}}") else {
            return false;
        };
        if after[..close].contains("{{") {
            return false;
        }
        rest = &after[close + 2..];
    }
    !rest.contains("}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hoists_runs_of_plain_lines() {
        let hoisted = hoist_from(
            "package main\n\nimport \"fmt\"\n// {{name}}\nfunc main() { run() }\n",
            0,
        );
        assert_eq!(
            hoisted.template,
            "{{_lit 0}}\n// {{name}}\nfunc main() { run() }\n"
        );
        assert_eq!(hoisted.literals[0], "package main\n\nimport \"fmt\"");
        assert_eq!(hoisted.line_map, [0, 3, 4]);
    }

    #[test]
    fn hoists_text_between_simple_expressions() {
        let hoisted = hoist_from(
            "func New{{pascal_case name}}Store(ctx context.Context, options Options) *Store {\n",
            0,
        );
        assert_eq!(hoisted.template, "func New{{pascal_case name}}{{_lit 0}}\n");
        let block = hoist_from("{{#if x}} some long text that stays put {{/if}}\n", 0);
        assert!(block.literals.is_empty());
    }

    #[test]
    fn leaves_whitespace_control_and_raw_blocks_alone() {
        let hoisted = hoist_from("a\n{{~x}}\nb\n", 0);
        assert_eq!(hoisted.template, "a\n{{~x}}\nb\n");
        let raw = hoist_from("{{{{raw}}}}\n{{x}}\n{{{{/raw}}}}\nplain\n", 0);
        assert!(raw.literals.is_empty());
    }
}
