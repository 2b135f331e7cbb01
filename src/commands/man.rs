//! `scaffold man`: the roff man page, built from the same clap definition as `--help`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_mangen::Man;

use crate::cli::{Cli, ManArgs};
use crate::exit_code::ExitStatus;

pub fn run(args: &ManArgs, quiet: bool) -> Result<ExitStatus> {
    let mut cmd = Cli::command();
    cmd.build();
    match &args.dir {
        None => {
            let mut out = std::io::stdout().lock();
            Man::new(cmd)
                .render(&mut out)
                .context("writing the man page")?;
            out.flush()?;
        }
        Some(dir) => {
            let written = write_pages(&cmd, dir)?;
            if !quiet {
                println!("wrote {} man pages into {}", written, dir.display());
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// Writes `scaffold.1` and `scaffold-SUB.1` for every subcommand; returns how many.
fn write_pages(cmd: &clap::Command, dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut pages = vec![cmd.clone()];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        // A subcommand page is titled `scaffold-new`, as git's are.
        let name = format!("{}-{}", cmd.get_name(), sub.get_name());
        pages.push(
            sub.clone()
                .name(name.clone())
                .bin_name(name.replace('-', " ")),
        );
    }
    for page in &pages {
        let path = dir.join(format!("{}.1", page.get_name()));
        let mut roff = Vec::new();
        Man::new(page.clone())
            .render(&mut roff)
            .with_context(|| format!("rendering {}", path.display()))?;
        // Written beside the target and renamed, so a page is never left half-written.
        let mut file = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        file.write_all(&roff)
            .with_context(|| format!("writing {}", path.display()))?;
        file.persist(&path)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(pages.len())
}
