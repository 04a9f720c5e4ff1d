//! The Lambda `bootstrap`: loads the bundle at cold start, then serves invocations through
//! `lambda_runtime`: one at a time, or, when `AWS_LAMBDA_MAX_CONCURRENCY` is set (Lambda
//! Managed Instances), that many at once, each on a blocking thread with its own warm
//! instance and its own invocation scope (request id, deadline, trace id, log keys,
//! metrics). Framework failures become HTTP responses, never invocation errors.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::bundle::Bundle;
use crate::event::LambdaResponse;
use crate::invocation::InvocationContext;
use crate::pipeline::{InvocationError, Pipeline, malformed_event_response};

/// The environment variable naming the bundle directory.
pub(crate) const BUNDLE_ENV: &str = "SWITCHYARD_BUNDLE";

/// The bundle directory: `SWITCHYARD_BUNDLE`, else `bundle/` beside the binary.
pub(crate) fn bundle_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os(BUNDLE_ENV) {
        return Ok(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().context("cannot locate the bootstrap binary")?;
    Ok(exe
        .parent()
        .map(|p| p.join("bundle"))
        .unwrap_or_else(|| PathBuf::from("bundle")))
}

/// Serves Lambda invocations until the runtime stops.
pub(crate) fn run() -> anyhow::Result<()> {
    let dir = bundle_dir()?;
    let pipeline = Arc::new(Bundle::open(&dir)?.load()?);
    crate::log::info(&format!("loaded bundle `{}`", dir.display()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        // Sequential, exactly as `run`, when the variable is unset or 1.
        lambda_runtime::run_concurrent(service_fn(move |event: LambdaEvent<Box<RawValue>>| {
            let pipeline = pipeline.clone();
            async move { answer(pipeline, event).await }
        }))
        .await
        .map_err(|e| anyhow::anyhow!("the Lambda runtime loop failed: {e}"))
    })
}

/// What an invocation answers: the pipeline's response, or the host's own for an event it
/// could not decode or a request that failed outside the pipeline.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Answer {
    Pipeline(LambdaResponse),
    Host(Value),
}

/// The invocation's answer, or its failure (`Diagnostic`: Lambda's `errorType` and
/// `errorMessage`) when the bundle fails invocations on unhandled errors.
async fn answer(
    pipeline: Arc<Pipeline>,
    event: LambdaEvent<Box<RawValue>>,
) -> Result<Answer, Diagnostic> {
    let context = InvocationContext {
        request_id: event.context.request_id.clone(),
        function_name: event.context.env_config.function_name.clone(),
        function_version: event.context.env_config.version.clone(),
        invoked_function_arn: event.context.invoked_function_arn.clone(),
        memory_limit_mb: event.context.env_config.memory as u32,
        deadline_ms: event.context.deadline,
        // lambda_runtime reads them from AWS_LAMBDA_LOG_GROUP_NAME and
        // AWS_LAMBDA_LOG_STREAM_NAME, as Python's LambdaContext does.
        log_group_name: event.context.env_config.log_group.clone(),
        log_stream_name: event.context.env_config.log_stream.clone(),
        xray_trace_id: event.context.xray_trace_id.clone(),
    };
    let request_id = context.request_id.clone();
    let joined = tokio::task::spawn_blocking(move || {
        match pipeline.handle_invocation(event.payload.get().as_bytes(), &context) {
            Ok(response) => Ok(Answer::Pipeline(response)),
            Err(InvocationError::Malformed(err)) => {
                Ok(Answer::Host(malformed_event_response(&err)))
            }
            Err(InvocationError::Unhandled {
                error_type,
                message,
            }) => Err(Diagnostic {
                error_type,
                error_message: message,
            }),
        }
    })
    .await;
    joined.unwrap_or_else(|err| {
        crate::log::emit(
            crate::log::Level::Error,
            &format!("the request failed: {err}"),
            &[("request_id", &request_id)],
        );
        Ok(Answer::Host(serde_json::json!({
            "statusCode": 500,
            "body": r#"{"statusCode":500,"message":"Internal Server Error"}"#,
            "isBase64Encoded": false,
            "headers": {"Content-Type": "application/json"},
        })))
    })
}
