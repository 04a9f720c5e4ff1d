"""The Powertools side of the benchmarks: the shared reference apps (`todos`, `validated`)
and `routes50`, the same fifty routes as the `tests/guests/routes50` guest."""

import os
import sys
from types import SimpleNamespace

sys.path.insert(0, os.environ.get("CONFORMANCE_DIR", os.path.join(os.path.dirname(__file__), "../../../shared/conformance")))

from aws_lambda_powertools.event_handler import APIGatewayRestResolver  # noqa: E402

import reference_app  # noqa: E402

ROUTES = 50

# A Lambda context with the fields Powertools reads.
CONTEXT = SimpleNamespace(
    function_name="test",
    function_version="$LATEST",
    invoked_function_arn="arn:aws:lambda:eu-west-1:123456789012:function:test",
    memory_limit_in_mb=128,
    aws_request_id="00000000-0000-0000-0000-000000000000",
    get_remaining_time_in_millis=lambda: 30000,
)


def routes50_app():
    app = APIGatewayRestResolver()

    @app.get("/hello")
    def hello():
        return {"hello": "world"}

    for i in range(1, ROUTES):

        def resource(id: str, i=i):
            return {"resource": i, "id": id}

        app.get(f"/resource{i}/<id>")(resource)
    return app


def build(app, source="rest-v1"):
    """A resolver for one of the scenario apps; the reference apps for any event source."""
    if app == "todos":
        return reference_app.todos_app(source)
    if app == "validated":
        return reference_app.validated_app(source)
    if app == "routes50":
        return routes50_app()
    raise ValueError(app)
