//! `scaffold pack install SOURCE [--name N]`.

use anyhow::Result;

use crate::cli::PackInstallArgs;
use crate::exit_code::ExitStatus;
use crate::pack::{builtin_catalog, installed};

pub fn run(args: &PackInstallArgs) -> Result<ExitStatus> {
    let done = installed::install(&args.source, args.name.as_deref(), args.refresh)?;
    let pack = &done.pack;
    let commit = done
        .origin
        .commit
        .as_deref()
        .map(|c| format!(" at {}", &c[..c.len().min(12)]))
        .unwrap_or_default();
    crate::say!(
        "Installed {} {} from {}{commit}: `scaffold new {} NAME` uses it.",
        done.name,
        pack.manifest.version,
        done.origin.given,
        done.name
    );
    if builtin_catalog()?
        .all()
        .iter()
        .any(|p| p.name() == done.name)
    {
        crate::say!(
            "It shadows the embedded pack `{}`; `scaffold pack remove {}` brings that back.",
            done.name,
            done.name
        );
    }
    Ok(ExitStatus::Success)
}
