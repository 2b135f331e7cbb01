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
        match &kinds[i] {
            Line::Keep => {
                hoisted.template.push_str(lines[i]);
                hoisted.line_map.push(i);
                i += 1;
            }
            Line::Expressions(pieces) => {
                for piece in pieces {
                    match piece {
                        Piece::Text(text) => push_literal(&mut hoisted, text),
                        Piece::Expression(expression) => hoisted.template.push_str(expression),
                    }
                }
                hoisted.template.push_str(newline_of(lines[i]));
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
                let newline = newline_of(&run);
                push_literal(&mut hoisted, &run[..run.len() - newline.len()]);
                hoisted.template.push_str(newline);
                hoisted.line_map.push(start);
            }
        }
    }
    hoisted
}

fn newline_of(line: &str) -> &'static str {
    if line.ends_with('\n') { "\n" } else { "" }
}

/// Puts `text` (as written in the template, escapes included) into the template, or
/// hoists what it renders to when it is long enough to be worth a helper call.
fn push_literal(hoisted: &mut Hoisted, text: &str) {
    if text.len() < MIN_HOISTED {
        hoisted.template.push_str(text);
        return;
    }
    let index = hoisted.first_index + hoisted.literals.len();
    // `\{{` is how templates write literal braces; hoisted text is no longer parsed.
    hoisted.literals.push(text.replace("\\{{", "{{"));
    hoisted
        .template
        .push_str(&format!("{{{{{HELPER} {index}}}}}"));
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line<'a> {
    /// Text only (literal braces included): hoisted whole, with its neighbours.
    Plain,
    /// Text and simple expressions: the text between them is hoisted.
    Expressions(Vec<Piece<'a>>),
    /// Blocks, partials, comments or whitespace control: left as written.
    Keep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Expression(&'a str),
}

/// Sorts each line; anything near whitespace control, inside a multi-line expression or
/// in a template with raw blocks is kept as written.
fn classify<'a>(template: &str, lines: &[&'a str]) -> Vec<Line<'a>> {
    if template.contains("{{{{") {
        return vec![Line::Keep; lines.len()];
    }
    let mut kinds = Vec::with_capacity(lines.len());
    let mut open = 0i64;
    for (i, line) in lines.iter().enumerate() {
        let had_open = open > 0;
        if line.contains('{') || line.contains('}') {
            let opens = real_opens(line) as i64;
            open = (open + opens - line.matches("}}").count() as i64).max(0);
        }
        let after_strip = i > 0 && lines[i - 1].trim_end().ends_with("~}}");
        let before_strip = lines
            .get(i + 1)
            .is_some_and(|next| next.trim_start().starts_with("{{~"));
        let kind = if had_open || open > 0 || after_strip || before_strip {
            Line::Keep
        } else {
            match pieces(&line[..line.len() - newline_of(line).len()]) {
                Some(pieces) if pieces.iter().all(|p| matches!(p, Piece::Text(_))) => Line::Plain,
                Some(pieces) => Line::Expressions(pieces),
                None => Line::Keep,
            }
        };
        kinds.push(kind);
    }
    kinds
}

/// `{{` not escaped with a backslash.
fn real_opens(line: &str) -> usize {
    line.match_indices("{{")
        .filter(|(at, _)| *at == 0 || line.as_bytes()[at - 1] != b'\\')
        .count()
}

/// Splits a line into text and simple `{{expression}}`s, or `None` when it holds anything
/// else: a block, partial, comment, triple-stash, whitespace control or an unclosed tag.
fn pieces(line: &str) -> Option<Vec<Piece<'_>>> {
    if !line.contains("{{") {
        return Some(vec![Piece::Text(line)]);
    }
    if line.contains("\\\\{{") || line.contains("{{{") {
        return None;
    }
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut search = 0;
    while let Some(found) = line[search..].find("{{") {
        let at = search + found;
        if at > 0 && line.as_bytes()[at - 1] == b'\\' {
            search = at + 2;
            continue;
        }
        let after = &line[at + 2..];
        if after.starts_with(['#', '/', '^', '>', '!', '&', '*', '~'])
            || after.trim_start().starts_with("else")
        {
            return None;
        }
        let close = after.find("}}")?;
        if after[..close].contains("{{") || after[..close].contains('~') {
            return None;
        }
        let end = at + 2 + close + 2;
        pieces.push(Piece::Text(&line[text_start..at]));
        pieces.push(Piece::Expression(&line[at..end]));
        text_start = end;
        search = end;
    }
    pieces.push(Piece::Text(&line[text_start..]));
    Some(pieces)
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
        let escaped = hoist_from(
            "image: \\{{ .Values.image.repository }}:\\{{ .Values.tag }}\n",
            0,
        );
        assert_eq!(escaped.template, "{{_lit 0}}\n");
        assert_eq!(
            escaped.literals,
            ["image: {{ .Values.image.repository }}:{{ .Values.tag }}"]
        );
    }

    #[test]
    fn leaves_whitespace_control_and_raw_blocks_alone() {
        let hoisted = hoist_from("a\n{{~x}}\nb\n", 0);
        assert_eq!(hoisted.template, "a\n{{~x}}\nb\n");
        let raw = hoist_from("{{{{raw}}}}\n{{x}}\n{{{{/raw}}}}\nplain\n", 0);
        assert!(raw.literals.is_empty());
    }
}
