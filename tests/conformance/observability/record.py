#!/usr/bin/env python3
"""Records the log lines Powertools 3.37's Logger writes and the EMF documents its Metrics
writes, for `tests/all/logger.rs` and `tests/all/metrics.rs` to compare Switchyard's with, key
by key.

Three sessions, each a fresh process as far as `cold_start` goes:

- `todos`: the shared reference app's `todos` resolver for every event source, wrapped as the
  Powertools docs wrap a resolver,
  `@logger.inject_lambda_context(correlation_id_path=correlation_paths.<SOURCE>, log_event=True)`,
  one invocation per source in one process (the first is the cold start), each with its own
  request id and X-Ray trace header, as the Lambda bootstrap test's fake Runtime API sends
  them.
- `logged`: the Logger sample of `../shared/reference/powertools-observability.md` grown by
  the rest of Logger's API (`append_keys`, `remove_keys`, `get_correlation_id`,
  `set_correlation_id`), as the `features` test guest's `GET /logged` does it.
- `metered`: the Metrics sample of the same page, with a dimension, metadata and a
  high-resolution metric, under `@metrics.log_metrics(capture_cold_start_metric=True)`, as
  the `features` guest's `GET /metered` does it: the EMF documents it prints.

Run with the bench venv's Python (`make bench` makes it):

    target/venv-bench/bin/python tests/conformance/observability/record.py tests/conformance/observability/recorded.json
"""

import contextlib
import io
import json
import logging
import os
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benches" / "powertools"))

SERVICE = "todos"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:test"
SOURCES = ["rest-v1", "http-v2", "alb", "alb-multi", "function-url", "lattice-v1", "lattice-v2"]


def trace_header(n):
    """The X-Ray trace header of invocation `n` (the fake Runtime API sends the same)."""
    return f"Root=1-5759e988-bd862e3fe1be46a99427279{n};Parent=53995c3f42cd8ad{n};Sampled=1"


def context(request_id):
    return SimpleNamespace(
        function_name="test",
        function_version="$LATEST",
        invoked_function_arn=FUNCTION_ARN,
        memory_limit_in_mb=128,
        aws_request_id=request_id,
        get_remaining_time_in_millis=lambda: 30000,
    )


STREAM = io.StringIO()
LOGGER = None


def rest_event(path):
    """The REST event the `features` guest's tests send (`get` in `tests/all/*.rs`)."""
    return {
        "httpMethod": "GET",
        "path": path,
        "requestContext": {"requestId": "r-1", "stage": "$default"},
        "multiValueHeaders": {"Accept": ["application/json"]},
    }


def fresh_logger():
    """The Logger (Powertools keeps one per service), with its lines from now on, in a
    process whose next invocation is a cold start."""
    global LOGGER
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging import logger as logger_module

    if LOGGER is None:
        LOGGER = Logger(service=SERVICE, logger_handler=logging.StreamHandler(STREAM))
    logger_module.is_cold_start = True
    STREAM.seek(0)
    STREAM.truncate()
    return LOGGER, STREAM


def todos_session():
    import apps
    from aws_lambda_powertools.logging import correlation_paths

    paths = {
        "rest-v1": correlation_paths.API_GATEWAY_REST,
        "http-v2": correlation_paths.API_GATEWAY_HTTP,
        "alb": correlation_paths.APPLICATION_LOAD_BALANCER,
        "alb-multi": correlation_paths.APPLICATION_LOAD_BALANCER,
        "function-url": correlation_paths.LAMBDA_FUNCTION_URL,
        "lattice-v1": correlation_paths.VPC_LATTICE,
        "lattice-v2": correlation_paths.VPC_LATTICE,
    }
    cases = json.loads((Path(os.environ.get("CONFORMANCE_DIR", Path(__file__).resolve().parents[4] / "shared" / "conformance")) / "cases.json").read_text())
    events = [next(c["event"] for c in cases if c["name"] == f"root@{source}") for source in SOURCES]
    logger, stream = fresh_logger()
    invocations = []
    for n, (source, event) in enumerate(zip(SOURCES, events)):
        app = apps.build("todos", source)

        @logger.inject_lambda_context(correlation_id_path=paths[source], log_event=True)
        def handler(event, context):
            return app.resolve(event, context)

        os.environ["_X_AMZN_TRACE_ID"] = trace_header(n)
        start = stream.tell()
        handler(json.loads(json.dumps(event)), context(f"request-{n}"))
        lines = [json.loads(line) for line in stream.getvalue()[start:].splitlines()]
        invocations.append({"source": source, "event": event, "lines": lines})
    del os.environ["_X_AMZN_TRACE_ID"]
    return invocations


def logged_session():
    """`GET /logged` of the `features` guest, in Python."""
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.logging import correlation_paths

    logger, stream = fresh_logger()
    app = APIGatewayRestResolver()

    @app.get("/logged")
    def logged():
        logger.info("listing todos", extra={"count": 2})
        logger.append_keys(tenant="acme", gone=True)
        logger.remove_keys(["gone"])
        correlation_id = logger.get_correlation_id()
        logger.set_correlation_id("set-by-guest")
        logger.warning("after")
        return {"todos": [], "correlation_id": correlation_id}

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    def handler(event, context):
        return app.resolve(event, context)

    event = rest_event("/logged")
    answer = handler(event, context("request-0"))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [{"source": "rest-v1", "event": event, "answer": answer, "lines": lines}]


def metered_session():
    """`GET /metered` of the `features` guest, in Python: the documents printed."""
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.metrics import MetricResolution, MetricUnit
    from aws_lambda_powertools.metrics.provider import cold_start

    cold_start.is_cold_start = True
    metrics = Metrics(namespace="Todos")
    app = APIGatewayRestResolver()

    @app.get("/metered")
    def metered():
        metrics.add_metric(name="TodosListed", unit=MetricUnit.Count, value=2)
        metrics.add_dimension(name="environment", value="prod")
        metrics.add_metadata(key="request", value="r-1")
        metrics.add_metric(name="Fetch", unit=MetricUnit.Milliseconds, value=1.5, resolution=MetricResolution.High)
        metrics.add_metric(name="TodosListed", unit=MetricUnit.Count, value=3)
        try:
            metrics.add_metric(name=" ", unit=MetricUnit.Count, value=1)
        except Exception as err:  # noqa: BLE001 - the refusal is the answer
            return {"refused": str(err)}

    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event, context):
        return app.resolve(event, context)

    event = rest_event("/metered")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        answer = handler(event, context("request-0"))
    documents = [json.loads(line) for line in printed.getvalue().splitlines()]
    return [{"source": "rest-v1", "event": event, "answer": answer, "documents": documents}]


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    warnings.simplefilter("ignore")
    os.environ["POWERTOOLS_SERVICE_NAME"] = SERVICE
    os.environ["AWS_LAMBDA_FUNCTION_NAME"] = "test"
    recorded = {"todos": todos_session(), "logged": logged_session(), "metered": metered_session()}
    Path(argv[1]).write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n")
    count = sum(len(i.get("lines", i.get("documents", []))) for session in recorded.values() for i in session)
    print(f"recorded {count} lines in {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
