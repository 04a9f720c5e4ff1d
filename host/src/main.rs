//! The `switchyard` binary: the CLI, and the Lambda `bootstrap`.

use clap::Parser as _;

/// Every request allocates a few dozen small strings (header names and values, the
/// response's JSON); mimalloc serves those several times faster than musl's malloc, which the
/// static Lambda build would otherwise use, and faster than glibc's too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    match switchyard::cli::Cli::parse().execute() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
