//! `scaffold pack …`: the commands for writing, checking and testing packs.

mod check;
mod new;
mod test;

use anyhow::Result;

use crate::cli::PackCommand;
use crate::exit_code::ExitStatus;

/// Runs the `pack` subcommand the user chose.
pub fn run(command: PackCommand) -> Result<ExitStatus> {
    match command {
        PackCommand::New(args) => new::run(&args),
        PackCommand::Check(args) => check::run(&args),
        PackCommand::Test(args) => test::run(&args),
    }
}
