//! `switchyard invoke`: Lambda events in, Lambda responses out, through the real pipeline.

use std::io::{BufRead as _, Read as _, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;

use super::{BundleArg, SourceArg};
use crate::bundle::Bundle;
use crate::invocation::InvocationContext;
use crate::pipeline::{InvocationError, Pipeline};

/// Answer Lambda events with a bundle and print the Lambda responses as JSON.
///
/// Examples:
///   switchyard invoke --bundle target/bundles/todos event.json
///   cat event.json | switchyard invoke --bundle target/bundles/todos -
///   switchyard invoke --bundle target/bundles/todos --jsonl events.jsonl
///   switchyard invoke --bundle target/bundles/todos --source alb event.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct InvokeCommand {
    #[command(flatten)]
    bundle: BundleArg,
    /// One event file, or `-` for standard input.
    #[arg(
        value_name = "EVENT",
        conflicts_with = "jsonl",
        required_unless_present = "jsonl"
    )]
    event: Option<PathBuf>,
    /// A JSON Lines file of events (`-` for standard input): one response a line, in order;
    /// an event that fails prints `{"error": "..."}` and the batch goes on.
    #[arg(long, value_name = "FILE")]
    jsonl: Option<PathBuf>,
    #[command(flatten)]
    source: SourceArg,
}

impl InvokeCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let input: Box<dyn std::io::Read> = match self.jsonl.as_ref().or(self.event.as_ref()) {
            Some(path) if path.as_os_str() == "-" => Box::new(std::io::stdin()),
            Some(path) => Box::new(
                std::fs::File::open(path)
                    .with_context(|| format!("cannot open event file `{}`", path.display()))?,
            ),
            None => anyhow::bail!("give an event file, `-`, or `--jsonl FILE`"),
        };
        let mut bundle = Bundle::open(&self.bundle.bundle)?;
        bundle.manifest.source = self.source.or_bundles(bundle.manifest.source)?;
        let pipeline = bundle.load()?;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        if self.jsonl.is_some() {
            for line in std::io::BufReader::new(input).lines() {
                let line = line.context("failed to read the events")?;
                if line.trim().is_empty() {
                    continue;
                }
                writeln!(out, "{}", answer(&pipeline, line.as_bytes()))?;
            }
        } else {
            let mut event = Vec::new();
            std::io::BufReader::new(input)
                .read_to_end(&mut event)
                .context("failed to read the event")?;
            let answer =
                match pipeline.handle_invocation(&event, &InvocationContext::local_invocation()) {
                    Ok(response) => serde_json::to_value(&response)?,
                    Err(err @ InvocationError::Malformed(_)) => {
                        anyhow::bail!("cannot answer the event: {err}")
                    }
                    Err(InvocationError::Unhandled {
                        error_type,
                        message,
                    }) => invocation_failure(&error_type, &message),
                };
            writeln!(out, "{answer}")?;
        }
        Ok(())
    }
}

fn answer(pipeline: &Pipeline, event: &[u8]) -> String {
    match pipeline.handle_invocation(event, &InvocationContext::local_invocation()) {
        Ok(response) => serde_json::to_string(&response).unwrap_or_default(),
        Err(InvocationError::Unhandled {
            error_type,
            message,
        }) => invocation_failure(&error_type, &message).to_string(),
        Err(err) => serde_json::json!({"error": err.to_string()}).to_string(),
    }
}

/// A failed invocation as `sam local invoke` prints it: Lambda's error payload.
fn invocation_failure(error_type: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"errorType": error_type, "errorMessage": message})
}
