//! `scaffold list`: the packs, one line each, with their variables.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::answers::display;
use crate::cli::ListArgs;
use crate::exit_code::ExitStatus;
use crate::pack::{Pack, builtin_catalog};

pub fn run(args: &ListArgs) -> Result<ExitStatus> {
    let catalog = builtin_catalog()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let packs: Vec<Value> = catalog.packs().iter().map(pack_json).collect();
        serde_json::to_writer_pretty(&mut out, &packs)?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    for (i, pack) in catalog.packs().iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let manifest = &pack.manifest;
        writeln!(
            out,
            "{} {}  {}",
            manifest.name, manifest.version, manifest.description
        )?;
        let width = manifest
            .variables
            .iter()
            .map(|v| v.name.len())
            .max()
            .unwrap_or(0);
        for var in &manifest.variables {
            let default = match &var.default {
                Some(value) => format!("default: {}", display(value)),
                None => "required".to_owned(),
            };
            let choices = if var.choices.is_empty() {
                String::new()
            } else {
                format!(" [{}]", var.choices.join(", "))
            };
            writeln!(
                out,
                "  {:width$}  {:<12}  {}{choices} ({default})",
                var.name,
                var.kind.as_str(),
                var.question(),
            )?;
        }
    }
    Ok(ExitStatus::Success)
}

fn pack_json(pack: &Pack) -> Value {
    let manifest = &pack.manifest;
    json!({
        "name": manifest.name,
        "description": manifest.description,
        "version": manifest.version,
        "variables": manifest.variables,
    })
}
