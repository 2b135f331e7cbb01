//! One module per subcommand, each with a single entry function.

mod add;
mod build;
mod bundle;
mod list;
mod new;
mod pack;
mod update;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::exit_code::ExitStatus;

/// Runs the subcommand the user chose.
pub fn dispatch(cli: Cli) -> Result<ExitStatus> {
    match cli.command {
        Command::New(args) => new::run(args),
        Command::Add(args) => add::run(args),
        Command::Build(args) => build::run(&args),
        Command::Bundle(args) => bundle::run(&args),
        Command::List(args) => list::run(&args),
        Command::Pack(args) => pack::run(args),
        Command::Update(args) => update::run(&args),
        Command::Diff(args) => update::diff(&args),
        Command::CheckUpdate(args) => update::check(&args),
    }
}
