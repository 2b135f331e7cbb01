//! The `scaffold` binary: parse arguments, run, report errors.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::CompleteEnv;

fn main() -> ExitCode {
    // A shell asking for completions (`COMPLETE=bash scaffold -- ...`) is answered and exits here.
    CompleteEnv::with_factory(scaffold::cli::Cli::command)
        .var(scaffold::commands::completions::COMPLETE_VAR)
        .complete();
    let cli = scaffold::cli::parse();
    match scaffold::run(cli) {
        Ok(code) => code.into(),
        Err(err) => {
            if scaffold::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            scaffold::say!("scaffold: {} {err:#}", scaffold::verbosity::error_label());
            scaffold::exit_code::ExitStatus::from_error(&err).into()
        }
    }
}
