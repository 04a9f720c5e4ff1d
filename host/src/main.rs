//! The `switchyard` binary: the CLI, and the Lambda `bootstrap`.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    match switchyard::cli::Cli::parse().execute() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
