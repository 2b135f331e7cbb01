//! `scaffold pack …`: writing, checking, testing and managing custom packs, one file per
//! subcommand.

mod check;
mod install;
mod list;
mod new;
mod remove;
mod test;

use anyhow::Result;

use crate::cli::{PackArgs, PackCommand};
use crate::exit_code::ExitStatus;

/// Runs the `pack` subcommand the user chose.
pub fn run(args: PackArgs) -> Result<ExitStatus> {
    match args.command {
        PackCommand::New(args) => new::run(&args),
        PackCommand::Check(args) => check::run(&args),
        PackCommand::Test(args) => test::run(&args),
        PackCommand::Install(args) => install::run(&args),
        PackCommand::List(args) => list::run(&args),
        PackCommand::Remove(args) => remove::run(&args),
    }
}
