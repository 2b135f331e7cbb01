//! One module per subcommand, each with a single entry function.

mod add;
mod build;
mod bundle;
pub mod completions;
pub mod doctor;
mod list;
mod man;
mod new;
mod pack;
mod update;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::exit_code::ExitStatus;

/// Runs the subcommand the user chose.
pub fn dispatch(cli: Cli) -> Result<ExitStatus> {
    // `-q` before the subcommand (`scaffold -q new ...`) means the same as after it.
    let quiet = cli.quiet;
    match cli.command {
        Command::New(mut args) => {
            args.quiet |= quiet;
            new::run(args)
        }
        Command::Add(mut args) => {
            args.quiet |= quiet;
            add::run(args)
        }
        Command::Build(mut args) => {
            args.quiet |= quiet;
            build::run(&args)
        }
        Command::Bundle(mut args) => {
            args.quiet |= quiet;
            bundle::run(&args)
        }
        Command::List(args) => list::run(&args, quiet),
        Command::Doctor(args) => doctor::run(&args, quiet),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args, quiet),
        Command::Pack(args) => pack::run(args),
        Command::Update(mut args) => {
            args.quiet |= quiet;
            update::run(&args)
        }
        Command::Diff(args) => update::diff(&args),
        Command::CheckUpdate(args) => update::check(&args),
    }
}
