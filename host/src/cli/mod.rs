//! The `switchyard` command line. Each command checks its arguments before it touches a
//! file, and errors say what went wrong and what to do.

mod build;
mod compile;
mod invoke;
mod new;
mod openapi;
mod package;
mod routes;
mod serve;
mod watch;

use clap::{Parser, Subcommand};

use crate::request::EventSource;

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
    Package(package::PackageCommand),
    Invoke(invoke::InvokeCommand),
    Compile(compile::CompileCommand),
    Routes(routes::RoutesCommand),
    #[command(name = "openapi")]
    OpenApi(openapi::OpenApiCommand),
    Serve(serve::ServeCommand),
    Watch(watch::WatchCommand),
    /// Serve Lambda invocations (what `bootstrap` does inside Lambda).
    Lambda,
}

impl Cli {
    /// Runs the command.
    pub fn execute(self) -> anyhow::Result<()> {
        match self.command {
            Some(Command::New(c)) => c.execute(),
            Some(Command::Build(c)) => c.execute(),
            Some(Command::Package(c)) => c.execute(),
            Some(Command::Invoke(c)) => c.execute(),
            Some(Command::Compile(c)) => c.execute(),
            Some(Command::Routes(c)) => c.execute(),
            Some(Command::OpenApi(c)) => c.execute(),
            Some(Command::Serve(c)) => c.execute(),
            Some(Command::Watch(c)) => c.execute(),
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

/// `--source`, for the commands that answer events: the source events are read as, over the
/// bundle's own `source`.
#[derive(Debug, clap::Args)]
struct SourceArg {
    /// The event source: rest-v1, http-v2, alb, alb-multi-value, function-url, lattice-v1 or
    /// lattice-v2 [default: the bundle's `source`; else `serve` makes rest-v1 events and
    /// `invoke` tells each event's source from its fields].
    #[arg(long, value_name = "SOURCE", value_parser = parse_source)]
    source: Option<EventSource>,
}

impl SourceArg {
    /// The flag's source, else the bundle's; the two must agree when both are given.
    fn or_bundles(&self, own: Option<EventSource>) -> anyhow::Result<Option<EventSource>> {
        match (self.source, own) {
            (Some(flag), Some(own)) if flag != own => anyhow::bail!(
                "`--source {flag}` contradicts the bundle's `\"source\": \"{own}\"`; drop one of them"
            ),
            (flag, own) => Ok(flag.or(own)),
        }
    }
}

/// An event source by its manifest name, or `alb-multi-value` for ALB with multi-value headers.
fn parse_source(name: &str) -> Result<EventSource, String> {
    match name {
        "alb-multi-value" => Ok(EventSource::AlbMultiValue),
        _ => name.parse(),
    }
}
