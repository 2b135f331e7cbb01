//! The `scaffold` binary: parse arguments, run, report errors.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = scaffold::cli::Cli::parse();
    match scaffold::run(cli) {
        Ok(code) => code.into(),
        Err(err) => {
            if scaffold::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            scaffold::say!("scaffold: error: {err:#}");
            scaffold::exit_code::ExitStatus::from_error(&err).into()
        }
    }
}
