//! `scaffold pack …`: managing custom packs, one file per subcommand.

mod install;
mod list;
mod remove;

use anyhow::Result;

use crate::cli::{PackArgs, PackCommand};
use crate::exit_code::ExitStatus;

/// Runs the `pack` subcommand the user chose.
pub fn run(args: PackArgs) -> Result<ExitStatus> {
    match args.command {
        PackCommand::Install(args) => install::run(&args),
        PackCommand::List(args) => list::run(&args),
        PackCommand::Remove(args) => remove::run(&args),
    }
}
