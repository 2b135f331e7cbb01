//! The Handlebars engine: renders a pack's template tree into files in memory.

mod chunks;
mod destination;
mod helpers;
mod literals;

use std::cell::RefCell;

use anyhow::{Context as _, Result, bail};
use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use handlebars::{Context, Handlebars, RenderError, RenderErrorReason};
use serde_json::Value;

pub use destination::check_destination;
pub use helpers::{NAMES as HELPER_NAMES, plural, yaml_quoted};

use crate::pack::{Pack, builtin_partials};

/// One file of a rendered project, not yet written anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Relative, `/`-separated path inside the project.
    pub path: String,
    pub contents: Vec<u8>,
    pub executable: bool,
}

/// A template that failed to parse or render, with where it failed.
#[derive(Debug, thiserror::Error)]
#[error("{origin}{position}: {reason}")]
pub struct TemplateFailure {
    origin: String,
    position: String,
    reason: String,
}

impl TemplateFailure {
    fn new(origin: &str, err: &RenderError) -> Self {
        Self::with_lines(origin, err, |line| line)
    }

    /// `original_line` maps a line of the parsed text to the line of the template file.
    fn with_lines(origin: &str, err: &RenderError, original_line: impl Fn(usize) -> usize) -> Self {
        let (pos, reason) = match err.reason() {
            RenderErrorReason::TemplateError(parse) => (parse.pos(), parse.reason().to_string()),
            other => (err.line_no.zip(err.column_no), other.to_string()),
        };
        let in_partial = err.template_name.is_some();
        let mut position = pos
            .map(|(line, col)| {
                let line = if in_partial {
                    line
                } else {
                    original_line(line)
                };
                format!(" line {line}, col {col}")
            })
            .unwrap_or_default();
        if let Some(partial) = &err.template_name {
            position.push_str(&format!(" (in partial `{partial}`)"));
        }
        TemplateFailure {
            origin: origin.to_owned(),
            position,
            reason: reason.trim_end().to_owned(),
        }
    }
}

/// The Handlebars registry with scaffold's settings, helpers and shared partials.
pub struct Engine {
    registry: RefCell<Handlebars<'static>>,
    /// Every shared partial; each is compiled the first time a template names it.
    partials: Vec<(String, &'static str)>,
    /// The partials of the pack being rendered, looked up before the shared ones.
    local_partials: RefCell<Vec<(String, String)>>,
    /// The partials compiled into the registry so far, forgotten when the local ones change.
    compiled: RefCell<Vec<String>>,
    /// Plain text hoisted out of templates before parsing (see `literals`).
    literals: literals::Table,
}

impl Engine {
    /// Strict mode (unknown variables are errors), no HTML escaping, every helper
    /// and built-in partial registered.
    pub fn new() -> Result<Self> {
        Self::with_shared_partials(builtin_partials())
    }

    /// An engine whose shared partials are `partials` instead of the embedded ones: those
    /// of an earlier release, to render a pack exactly as that release did.
    pub fn with_shared_partials(partials: Vec<(String, &'static str)>) -> Result<Self> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        helpers::register(&mut registry);
        let literals = literals::Table::default();
        registry.register_helper(literals::HELPER, Box::new(literals.clone()));
        Ok(Engine {
            registry: RefCell::new(registry),
            partials,
            local_partials: RefCell::default(),
            compiled: RefCell::default(),
            literals,
        })
    }

    /// Makes `pack`'s own partials the ones templates see, ahead of the shared ones. Only
    /// names the pack lists can be found: a pack never reads partials from anywhere else.
    pub fn use_partials_of(&self, pack: &Pack) {
        if *self.local_partials.borrow() == pack.partials {
            return;
        }
        // A name may now stand for another text, so everything compiled is recompiled lazily.
        let mut registry = self.registry.borrow_mut();
        for name in self.compiled.borrow_mut().drain(..) {
            registry.unregister_template(&name);
        }
        *self.local_partials.borrow_mut() = pack.partials.clone();
    }

    /// The text of the partial `name`: the pack's own first, then the shared one.
    fn partial_text(&self, name: &str) -> Option<String> {
        let local = self.local_partials.borrow();
        local
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, text)| text.clone())
            .or_else(|| {
                self.partials
                    .iter()
                    .find(|(known, _)| known == name)
                    .map(|(_, text)| (*text).to_owned())
            })
    }

    /// Compiles the partials `template` names, and the ones they name, if not done yet.
    fn register_partials_used_by(&self, template: &str) -> Result<()> {
        for name in partial_names(template) {
            if self.registry.borrow().has_template(name) {
                continue;
            }
            let Some(text) = self.partial_text(name) else {
                continue; // Handlebars reports the missing partial with its position.
            };
            let hoisted = literals::hoist(&text, &self.literals);
            self.registry
                .borrow_mut()
                .register_partial(name, hoisted.template)
                .map_err(|err| TemplateFailure::new(&format!("partial `{name}`"), &err.into()))?;
            self.compiled.borrow_mut().push(name.to_owned());
            self.register_partials_used_by(&text)?;
        }
        Ok(())
    }

    /// Renders one template string; `origin` names it in errors (pack and file).
    pub fn render_str(&self, origin: &str, template: &str, data: &Value) -> Result<String> {
        if !template.contains("{{") {
            return Ok(template.to_owned());
        }
        let ctx = Context::from(data.clone());
        self.render_with(origin, template, &ctx)
    }

    /// Evaluates a `when` expression such as `with_metrics` or `(eq platform "discord")`.
    pub fn condition(&self, origin: &str, expression: &str, data: &Value) -> Result<bool> {
        let ctx = Context::from(data.clone());
        self.condition_with(origin, expression, &ctx)
    }

    fn condition_with(&self, origin: &str, expression: &str, ctx: &Context) -> Result<bool> {
        // `#if` forgives a missing variable even in strict mode; a misspelt condition must not
        // silently turn files off, so a bare name has to exist.
        let expression = expression.trim();
        let bare = expression.chars().all(|c| c.is_alphanumeric() || c == '_');
        if bare && ctx.data().get(expression).is_none() {
            bail!("{origin}: the condition names `{expression}`, which is not a variable");
        }
        let template = format!("{{{{#if {expression}}}}}1{{{{/if}}}}");
        Ok(self.render_with(origin, &template, ctx)? == "1")
    }

    fn render_with(&self, origin: &str, template: &str, ctx: &Context) -> Result<String> {
        if !template.contains("{{") {
            return Ok(template.to_owned());
        }
        self.register_partials_used_by(template)?;
        let registry = self.registry.borrow();
        let hoisted = literals::hoist(template, &self.literals);
        let mut out = String::with_capacity(template.len());
        for chunk in chunks::split(&hoisted.template) {
            let rendered = registry
                .render_template_with_context(chunk.text, ctx)
                .map_err(|err| {
                    TemplateFailure::with_lines(origin, &err, |line| {
                        let parsed = chunk.first_line + line - 1;
                        hoisted
                            .line_map
                            .get(parsed)
                            .map_or(line, |original| original + 1)
                    })
                })?;
            out.push_str(&rendered);
        }
        Ok(out)
    }

    /// Renders every file of `pack` against `data`, skipping files whose `files:` rule
    /// does not hold or whose rendered path has an empty segment.
    pub fn render_pack(&self, pack: &Pack, data: &Value) -> Result<Vec<RenderedFile>> {
        self.use_partials_of(pack);
        let manifest = &pack.manifest;
        let ctx = Context::from(data.clone());
        let rules = manifest
            .files
            .iter()
            .map(|rule| Ok((matcher(&rule.path)?, rule.when.as_str())))
            .collect::<Result<Vec<(GlobMatcher, &str)>>>()?;
        let raw = glob_set(&manifest.raw)?;
        let executable = glob_set(&manifest.executable)?;

        let mut rendered: Vec<RenderedFile> = Vec::with_capacity(pack.files.len());
        for file in &pack.files {
            let origin = format!("pack `{}`: files/{}", pack.name(), file.path);
            let mut included = true;
            for (glob, when) in &rules {
                if matches_path_or_ancestor(glob, &file.path)
                    && !self.condition_with(&format!("{origin} (rule `{when}`)"), when, &ctx)?
                {
                    included = false;
                    break;
                }
            }
            if !included {
                continue;
            }
            let path = self.render_with(&format!("{origin} (path)"), &file.path, &ctx)?;
            if path.split('/').any(str::is_empty) {
                // Only a block (`{{#if x}}name{{/if}}`) may empty a name on purpose to skip a
                // file; a value that empties or roots a path is a mistake that could write
                // somewhere unexpected.
                if file.path.contains("{{#") || file.path.contains("{{~#") {
                    continue;
                }
                let problem = if path.is_empty() {
                    "which is empty"
                } else if path.starts_with('/') {
                    "which is absolute"
                } else {
                    "which has an empty folder name"
                };
                bail!(
                    "{origin}: the path renders to `{path}`, {problem}; check the values it uses"
                );
            }
            let drive = path.split('/').next().is_some_and(|first| {
                first.len() == 2
                    && first.ends_with(':')
                    && first.as_bytes()[0].is_ascii_alphabetic()
            });
            if drive {
                bail!(
                    "{origin}: the path renders to `{path}`, which is absolute; check the values it uses"
                );
            }
            if path
                .split('/')
                .any(|seg| seg == "." || seg == ".." || seg.contains('\\'))
            {
                bail!("{origin}: the path renders to `{path}`, which leaves the project directory");
            }
            let text = std::str::from_utf8(&file.contents).ok();
            let contents = match text {
                Some(text) if !raw.is_match(&file.path) && text.contains("{{") => {
                    self.render_with(&origin, text, &ctx)?.into_bytes()
                }
                _ => file.contents.to_vec(),
            };
            let executable = executable.is_match(&file.path) || contents.starts_with(b"#!");
            rendered.push(RenderedFile {
                path,
                contents,
                executable,
            });
        }
        rendered.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(pair) = rendered
            .windows(2)
            .find(|pair| pair[0].path == pair[1].path)
        {
            bail!(
                "pack `{}`: two templates render to the same path `{}`",
                pack.name(),
                pair[0].path
            );
        }
        Ok(rendered)
    }
}

impl Engine {
    /// Renders a pack and its components into one file list; two of them writing the same
    /// path is an error, since neither may silently win.
    pub fn render_project(&self, packs: &[&Pack], data: &Value) -> Result<Vec<RenderedFile>> {
        let mut files = Vec::new();
        let mut owners: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for pack in packs {
            for file in self.render_pack(pack, data)? {
                if let Some(owner) = owners.insert(file.path.clone(), pack.name()) {
                    bail!(
                        "`{}` and `{}` both write `{}`: they cannot be used together",
                        owner,
                        pack.name(),
                        file.path
                    );
                }
                files.push(file);
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }
}

/// The names after `{{>` (or `{{~>`) in a template.
fn partial_names(template: &str) -> impl Iterator<Item = &str> {
    template.split("{{").skip(1).filter_map(|tag| {
        let tag = tag.strip_prefix('~').unwrap_or(tag).strip_prefix('>')?;
        let name = tag.trim_start();
        let end = name
            .find(|c: char| c.is_whitespace() || c == '}' || c == '~')
            .unwrap_or(name.len());
        Some(&name[..end])
    })
}

fn matcher(pattern: &str) -> Result<GlobMatcher> {
    Ok(GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .with_context(|| format!("compiling the glob `{pattern}`"))?
        .compile_matcher())
}

fn glob_set(patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(Glob::new(pattern).with_context(|| format!("compiling the glob `{pattern}`"))?);
    }
    Ok(builder.build()?)
}

/// A rule on a directory (`internal/metrics`) covers everything below it too.
fn matches_path_or_ancestor(glob: &GlobMatcher, path: &str) -> bool {
    glob.is_match(path)
        || path
            .match_indices('/')
            .any(|(index, _)| glob.is_match(&path[..index]))
}

#[cfg(test)]
mod tests;
