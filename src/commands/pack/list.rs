//! `scaffold pack list [--json]`: embedded and installed packs, where each came from.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::cli::PackListArgs;
use crate::exit_code::ExitStatus;
use crate::pack::{builtin_catalog, installed};

pub fn run(args: &PackListArgs) -> Result<ExitStatus> {
    let builtin = builtin_catalog()?;
    let installed = installed::installed()?;
    let mut rows: Vec<Value> = Vec::new();
    for pack in builtin.all() {
        let shadowed = installed.iter().any(|i| i.name == pack.name());
        rows.push(json!({
            "name": pack.name(),
            "kind": pack.manifest.kind,
            "version": pack.manifest.version,
            "source": "embedded",
            "shadowed": shadowed,
        }));
    }
    for pack in &installed {
        let shadows = builtin.all().iter().any(|p| p.name() == pack.name);
        let origin = &pack.origin;
        rows.push(json!({
            "name": pack.name,
            "kind": pack.pack.manifest.kind,
            "version": pack.pack.manifest.version,
            "source": origin.given,
            "url": origin.url,
            "ref": origin.reference,
            "commit": origin.commit,
            "path": origin.path,
            "content_hash": pack.pack.content_hash,
            "installed": true,
            "shadows_embedded": shadows,
        }));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &json!({ "packs": rows }))?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    let width = rows
        .iter()
        .filter_map(|r| r["name"].as_str())
        .map(str::len)
        .max()
        .unwrap_or(0);
    for row in &rows {
        let name = row["name"].as_str().unwrap_or_default();
        let version = row["version"].as_str().unwrap_or_default();
        // A folder is shown absolute: what was typed was relative to wherever it was typed.
        let mut source = row["path"]
            .as_str()
            .or(row["source"].as_str())
            .unwrap_or_default()
            .to_owned();
        if let Some(commit) = row["commit"].as_str() {
            source.push_str(&format!(" @ {}", &commit[..commit.len().min(12)]));
        }
        let note = if row["shadowed"] == true {
            "  (shadowed by an installed pack)"
        } else if row["shadows_embedded"] == true {
            "  (installed, shadows the embedded pack)"
        } else if row["installed"] == true {
            "  (installed)"
        } else {
            ""
        };
        writeln!(out, "{name:width$}  {version:<8}  {source}{note}")?;
    }
    Ok(ExitStatus::Success)
}
