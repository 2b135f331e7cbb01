//! `scaffold pack check`: prints every problem of a pack, exits 1 when any is an error.

use std::io::Write;

use anyhow::Result;

use crate::cli::PackCheckArgs;
use crate::exit_code::ExitStatus;
use crate::packcheck::{Severity, check_dir};

pub fn run(args: &PackCheckArgs) -> Result<ExitStatus> {
    let diagnostics = check_dir(&args.path)?;
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &diagnostics)?;
        writeln!(out)?;
    } else {
        let mut out = std::io::stdout().lock();
        for diagnostic in &diagnostics {
            // Paths relative to where the user stands, so editors can jump to them.
            writeln!(out, "{}", diagnostic.located_in(&args.path))?;
        }
    }
    let shown = args.path.display();
    match (errors, warnings) {
        (0, 0) => crate::say!("{shown}: no problems found."),
        (0, w) => crate::say!("{shown}: no errors, {w} warning{}.", plural(w)),
        (e, w) => crate::say!("{shown}: {e} error{}, {w} warning{}.", plural(e), plural(w)),
    }
    Ok(if errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
