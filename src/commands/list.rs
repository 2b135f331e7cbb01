//! `scaffold list`: the packs and components, one line each, with their variables.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::answers::display;
use crate::cli::ListArgs;
use crate::exit_code::ExitStatus;
use crate::pack::{self, Pack};

pub fn run(args: &ListArgs) -> Result<ExitStatus> {
    let catalog = pack::catalog()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let packs: Vec<Value> = catalog.packs().into_iter().map(pack_json).collect();
        let components: Vec<Value> = catalog.components().into_iter().map(pack_json).collect();
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
        write_variables(&mut out, pack)?;
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
            write_variables(&mut out, component)?;
        }
    }
    Ok(ExitStatus::Success)
}

fn write_variables(out: &mut impl Write, pack: &Pack) -> Result<()> {
    let variables = &pack.manifest.variables;
    let width = variables.iter().map(|v| v.name.len()).max().unwrap_or(0);
    for var in variables {
        let default = match &var.default {
            Some(value) => format!("default: {}", display(value)),
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

fn pack_json(pack: &Pack) -> Value {
    let manifest = &pack.manifest;
    json!({
        "name": manifest.name,
        "kind": manifest.kind,
        "description": manifest.description,
        "version": manifest.version,
        "service": manifest.service,
        "services_only": manifest.services_only,
        "components": manifest.components,
        "variables": manifest.variables,
    })
}
