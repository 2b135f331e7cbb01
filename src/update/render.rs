//! Rendering a recorded project again, with the templates of one pack version: the base
//! (what scaffold wrote last time) or the target (what the pack renders now).

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use serde_json::{Map, Value};

use super::plan::Tree;
use crate::answers::{BUILTINS, base_context, resolve};
use crate::pack::release::Release;
use crate::pack::{self, Catalog, Pack};
use crate::prompt::Prompter;
use crate::render::Engine;

/// One version's templates: its packs and components, shared partials and globals.
pub struct Templates {
    pub catalog: Catalog,
    pub engine: Engine,
    pub globals: Map<String, Value>,
    /// Where they come from, for messages and conflict labels: `this scaffold`, `release 0.1.0`.
    pub origin: String,
}

impl Templates {
    /// The templates embedded in this scaffold binary.
    pub fn current() -> Result<Self> {
        Ok(Templates {
            catalog: pack::builtin_catalog()?,
            engine: Engine::new()?,
            globals: pack::globals()?,
            origin: format!("scaffold {}", env!("CARGO_PKG_VERSION")),
        })
    }

    /// The templates an earlier scaffold release embedded.
    pub fn release(release: &Release) -> Result<Self> {
        Ok(Templates {
            catalog: release.catalog()?,
            engine: Engine::with_shared_partials(release.partials())?,
            globals: release.globals()?,
            origin: format!("scaffold {}", release.version),
        })
    }
}

/// A project rendered from recorded answers.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Every file but `.scaffold.yaml`.
    pub files: Tree,
    /// Paths written with the executable bit.
    pub executable: BTreeSet<String>,
    /// Every answer of the pack and its components, in manifest order, plus `year`.
    pub answers: Map<String, Value>,
    /// Recorded answers the pack no longer declares.
    pub dropped: Vec<String>,
    /// Variables answered at a prompt.
    pub asked: Vec<String>,
}

/// Renders `pack` with `components` (names; unknown ones are an error) from `templates`,
/// using `recorded` answers, then `overrides`. Variables nothing answers are asked when a
/// prompter is given, else take their defaults; one without a default is an error listing
/// every such variable. With `ask_again`, recorded answers become the defaults of questions
/// asked again.
pub fn render(
    templates: &Templates,
    pack: &Pack,
    components: &[String],
    recorded: &Map<String, Value>,
    overrides: Map<String, Value>,
    ask_again: bool,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Rendered> {
    let components: Vec<&Pack> = components
        .iter()
        .map(|name| templates.catalog.component(name))
        .collect::<Result<_>>()?;
    let mut composed = pack::compose(pack, &components);
    let mut given = Map::new();
    let mut dropped = Vec::new();
    let ask_again = ask_again && prompter.is_some();
    for (key, value) in recorded {
        if key == "year" {
            given.insert(key.clone(), value.clone());
        } else if let Some(var) = composed
            .manifest
            .variables
            .iter_mut()
            .find(|v| v.name == *key)
        {
            if ask_again && key != "project_name" {
                var.default = Some(as_default(value));
            } else {
                given.insert(key.clone(), value.clone());
            }
        } else if !BUILTINS.contains(&key.as_str()) {
            dropped.push(key.clone());
        }
    }
    given.extend(overrides);
    let year = given
        .get("year")
        .and_then(Value::as_i64)
        .unwrap_or_else(crate::answers::current_year);
    let base = base_context(
        &composed,
        &components,
        templates.globals.clone(),
        year,
        &crate::git::identity(),
    );
    let resolution = resolve(&composed, &templates.engine, &base, given, prompter)?;
    let data = Value::Object(resolution.context.clone());
    let pieces: Vec<&Pack> = std::iter::once(&composed).chain(components).collect();
    let rendered = templates
        .engine
        .render_project(&pieces, &data)
        .with_context(|| format!("rendering {} {}", pack.name(), pack.manifest.version))?;
    let mut answers = resolution.answers;
    answers.insert("year".into(), Value::from(year));
    Ok(Rendered {
        executable: rendered
            .iter()
            .filter(|f| f.executable)
            .map(|f| f.path.clone())
            .collect(),
        files: rendered.into_iter().map(|f| (f.path, f.contents)).collect(),
        answers,
        dropped,
        asked: resolution.asked,
    })
}

/// A recorded answer as a default: string defaults are templates, so braces are escaped.
fn as_default(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::from(text.replace("{{", "\\{{")),
        other => other.clone(),
    }
}
