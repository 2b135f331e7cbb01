//! `scaffold list`: the packs and components, one line each, with their variables.
//!
//! Defaults are shown as `scaffold new` would fill them in on this machine (`Your Name` or
//! the git identity, not the `{{default git_user_name ...}}` template behind it).

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::answers::{base_context, current_year, display, parse_text, zero};
use crate::cli::ListArgs;
use crate::exit_code::ExitStatus;
use crate::pack::{self, Pack, VariableKind, globals};
use crate::render::Engine;

pub fn run(args: &ListArgs, quiet: bool) -> Result<ExitStatus> {
    let catalog = pack::catalog()?;
    let mut out = std::io::stdout().lock();
    if quiet && !args.json {
        for pack in catalog.packs().into_iter().chain(catalog.components()) {
            writeln!(out, "{}", pack.name())?;
        }
        return Ok(ExitStatus::Success);
    }
    let defaults = Defaults::new()?;
    if args.json {
        let packs: Vec<Value> = catalog
            .packs()
            .into_iter()
            .map(|p| pack_json(p, &defaults))
            .collect();
        let components: Vec<Value> = catalog
            .components()
            .into_iter()
            .map(|p| pack_json(p, &defaults))
            .collect();
        let listing = json!({"packs": packs, "components": components});
        serde_json::to_writer_pretty(&mut out, &listing)?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "Packs (scaffold new PACK NAME):")?;
    for pack in catalog.packs() {
        let manifest = &pack.manifest;
        writeln!(
            out,
            "\n{} {}  {}",
            manifest.name, manifest.version, manifest.description
        )?;
        if !manifest.components.is_empty() {
            writeln!(
                out,
                "  components by default: {}",
                manifest.components.join(", ")
            )?;
        }
        write_variables(&mut out, pack, &defaults)?;
    }
    let components = catalog.components();
    if !components.is_empty() {
        writeln!(
            out,
            "\nComponents (scaffold new PACK NAME --with COMPONENT):"
        )?;
        for component in components {
            let manifest = &component.manifest;
            writeln!(
                out,
                "\n{} {}  {}",
                manifest.name, manifest.version, manifest.description
            )?;
            write_variables(&mut out, component, &defaults)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Renders each pack's defaults the way `scaffold new --defaults` would.
struct Defaults {
    engine: Engine,
    globals: Map<String, Value>,
    identity: crate::git::Identity,
    year: i64,
}

impl Defaults {
    fn new() -> Result<Defaults> {
        Ok(Defaults {
            engine: Engine::new()?,
            globals: globals()?,
            identity: crate::git::identity(),
            year: current_year(),
        })
    }

    /// Each variable's default as shown to the user, by name; variables without one are
    /// absent. Defaults built from a required value show it as `<name>`; a default that
    /// cannot be rendered alone (it needs another pack's answer) is shown as written.
    fn resolve(&self, pack: &Pack) -> HashMap<String, String> {
        let mut context = base_context(pack, &[], self.globals.clone(), self.year, &self.identity);
        let mut shown = HashMap::new();
        for var in &pack.manifest.variables {
            let value = match &var.default {
                None if matches!(var.kind, VariableKind::String) => {
                    Value::from(format!("<{}>", var.name))
                }
                None => zero(var),
                Some(Value::String(template)) => {
                    let data = Value::Object(context.clone());
                    let origin = format!("pack `{}`: variable `{}`", pack.name(), var.name);
                    self.engine
                        .render_str(&origin, template, &data)
                        .ok()
                        .and_then(|text| parse_text(var, &text).ok())
                        .unwrap_or_else(|| Value::from(template.clone()))
                }
                Some(other) => other.clone(),
            };
            if var.default.is_some() {
                shown.insert(var.name.clone(), display(&value));
            }
            context.insert(var.name.clone(), value);
        }
        shown
    }
}

fn write_variables(out: &mut impl Write, pack: &Pack, defaults: &Defaults) -> Result<()> {
    let variables = &pack.manifest.variables;
    let width = variables.iter().map(|v| v.name.len()).max().unwrap_or(0);
    let resolved = defaults.resolve(pack);
    for var in variables {
        let default = match resolved.get(&var.name) {
            Some(value) => format!("default: {value}"),
            None => "required".to_owned(),
        };
        let choices = if var.choices.is_empty() {
            String::new()
        } else {
            format!(" [{}]", var.choices.join(", "))
        };
        let when = var
            .when
            .as_ref()
            .map(|when| format!(", asked when {when}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:width$}  {:<12}  {}{choices} ({default}{when})",
            var.name,
            var.kind.as_str(),
            var.question(),
        )?;
    }
    Ok(())
}

/// The pack as JSON; each variable keeps its `default` as declared and gains
/// `resolved_default`, the value `scaffold new --defaults` would use here.
fn pack_json(pack: &Pack, defaults: &Defaults) -> Value {
    let manifest = &pack.manifest;
    let resolved = defaults.resolve(pack);
    let mut variables = serde_json::to_value(&manifest.variables).unwrap_or(Value::Null);
    for var in variables.as_array_mut().into_iter().flatten() {
        let name = var["name"].as_str().unwrap_or_default().to_owned();
        if let (Some(shown), Some(object)) = (resolved.get(&name), var.as_object_mut()) {
            object.insert("resolved_default".into(), Value::from(shown.clone()));
        }
    }
    json!({
        "name": manifest.name,
        "kind": manifest.kind,
        "description": manifest.description,
        "version": manifest.version,
        "service": manifest.service,
        "services_only": manifest.services_only,
        "components": manifest.components,
        "variables": variables,
    })
}
