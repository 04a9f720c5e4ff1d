//! The `switchyard` command line. Each command checks its arguments before it touches a
//! file, and errors say what went wrong and what to do.

mod build;
mod compile;
mod invoke;
mod new;
mod openapi;
mod routes;
mod serve;

use clap::{Parser, Subcommand};

/// A WebAssembly-sandboxed REST handler host for AWS Lambda, with Powertools' semantics.
///
/// Run without a command inside Lambda (`AWS_LAMBDA_RUNTIME_API` set), it serves invocations.
#[derive(Debug, Parser)]
#[command(name = "switchyard", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    New(new::NewCommand),
    Build(build::BuildCommand),
    Invoke(invoke::InvokeCommand),
    Compile(compile::CompileCommand),
    Routes(routes::RoutesCommand),
    #[command(name = "openapi")]
    OpenApi(openapi::OpenApiCommand),
    Serve(serve::ServeCommand),
    /// Serve Lambda invocations (what `bootstrap` does inside Lambda).
    Lambda,
}

impl Cli {
    /// Runs the command.
    pub fn execute(self) -> anyhow::Result<()> {
        match self.command {
            Some(Command::New(c)) => c.execute(),
            Some(Command::Build(c)) => c.execute(),
            Some(Command::Invoke(c)) => c.execute(),
            Some(Command::Compile(c)) => c.execute(),
            Some(Command::Routes(c)) => c.execute(),
            Some(Command::OpenApi(c)) => c.execute(),
            Some(Command::Serve(c)) => c.execute(),
            Some(Command::Lambda) => crate::lambda::run(),
            None if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() => crate::lambda::run(),
            None => {
                use clap::CommandFactory as _;
                Cli::command().print_help()?;
                Ok(())
            }
        }
    }
}

/// `--bundle DIR`, shared by the commands that load a bundle.
#[derive(Debug, clap::Args)]
struct BundleArg {
    /// The bundle directory (holding `switchyard.json`).
    #[arg(long, value_name = "DIR")]
    bundle: std::path::PathBuf,
}
