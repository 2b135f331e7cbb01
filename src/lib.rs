//! scaffold renders embedded template packs into client-ready Go projects.
//!
//! The library holds everything the binary does so that tests can drive each
//! piece directly: the pack model ([`pack`]), answers ([`answers`]), the
//! Handlebars engine ([`render`]), atomic output ([`output`]), release builds
//! ([`build`]) and the commands.

pub mod answers;
pub mod build;
pub mod cli;
pub mod commands;
pub mod error;
pub mod exit_code;
pub mod fuzz_targets;
pub mod git;
pub mod gomod;
pub mod interrupt;
pub mod output;
pub mod pack;
pub mod packcheck;
pub mod packtest;
pub mod printer;
pub mod project_record;
pub mod prompt;
pub mod render;
pub mod shell;
pub mod suggest;
pub mod update;
pub mod verbosity;

use exit_code::ExitStatus;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitStatus> {
    verbosity::set(cli.verbose, cli.color);
    commands::dispatch(cli)
}

/// True when the error comes from writing to a closed pipe (`scaffold list | head`),
/// which is not a failure worth reporting.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
