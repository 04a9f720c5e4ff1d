"""Records Powertools 3.37's answers for `tests/all/routers.rs`: routers in one app.

The app is `examples/routers` written for Powertools: a todos router with a `use` middleware,
a route middleware and an exception handler, one handler for two error types, a health router whose `/` is its prefix, and an
app with a middleware before and after `include_router` and its own handler for the error the
todos router also handles, and an orders router with dependencies (`Depends`): a tenant from a
header, a user that depends on it and on `request.route`, a build counter a `use` middleware and
the handler share, one argument with `use_cache=False`, and a test's override of the tenant
(`app.dependency_overrides`). Each middleware adds its name to `X-Middlewares` on the way out.
Every request goes through the REST, HTTP API and ALB resolvers. Run with the bench venv's
Python (`make bench` makes it):

    target/venv-bench/bin/python tests/conformance/routers/record.py tests/conformance/routers/cases.json
"""

import json
import sys

from aws_lambda_powertools.event_handler import (
    ALBResolver,
    APIGatewayHttpResolver,
    APIGatewayRestResolver,
    Response,
    content_types,
)
from typing import Annotated

from aws_lambda_powertools.event_handler import Depends, Request
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, UnauthorizedError
from aws_lambda_powertools.event_handler.router import Router

TODOS = [
    {"id": 1, "title": "write the todos router", "completed": True},
    {"id": 2, "title": "mount it at /todos", "completed": False},
]


class InvalidTodoId(Exception):
    pass


def tag(name):
    def middleware(app, next_middleware):
        response = next_middleware(app)
        seen = response.headers.get("X-Middlewares")
        response.headers["X-Middlewares"] = f"{seen},{name}" if seen else name
        return response

    middleware.__name__ = name
    return middleware


def json_response(status, body):
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))


def todos_router():
    router = Router()
    router.use(middlewares=[tag("todos_use")])

    @router.get("/")
    def list_todos():
        return {"todos": TODOS}

    @router.get("/<todo_id>", middlewares=[tag("todo_route")])
    def get_todo(todo_id: str):
        try:
            wanted = int(todo_id)
        except ValueError:
            raise InvalidTodoId(f"`{todo_id}` is not a todo id")
        for todo in TODOS:
            if todo["id"] == wanted:
                return todo
        raise NotFoundError(f"no todo {wanted}")

    @router.exception_handler(InvalidTodoId)
    def invalid_todo_id(ex):
        return json_response(400, {"handled_by": "todos", "message": str(ex)})

    return router


def health_router():
    router = Router()

    @router.get("/")
    def status():
        return {"status": "ok"}

    @router.get("/ready")
    def ready():
        return {"ready": True}

    return router


def get_tenant(request: Request) -> str:
    tenant = request.headers.get("x-tenant")
    if not tenant:
        raise UnauthorizedError("no tenant")
    return tenant


def get_user(tenant: Annotated[str, Depends(get_tenant)], request: Request) -> dict:
    return {"tenant": tenant, "route": request.route}


def count_builds(request: Request) -> int:
    builds = request.context.get("builds", 0) + 1
    request.context["builds"] = builds
    return builds


def orders_router():
    router = Router()

    def builds_header(app, next_middleware, seen: Annotated[int, Depends(count_builds)]):
        response = next_middleware(app)
        response.headers["X-Builds-Seen-By-Middleware"] = str(seen)
        return response

    router.use(middlewares=[builds_header])

    @router.get("/")
    def list_orders(user: Annotated[dict, Depends(get_user)], tenant: Annotated[str, Depends(get_tenant)]):
        return {"user": user, "tenant": tenant}

    @router.get("/builds")
    def builds(
        first: Annotated[int, Depends(count_builds)],
        second: Annotated[int, Depends(count_builds)],
        fresh: Annotated[int, Depends(count_builds, use_cache=False)],
    ):
        return {"first": first, "second": second, "fresh": fresh}

    @router.get("/<order_id>")
    def get_order(order_id: str, user: Annotated[dict, Depends(get_user)]):
        return {"order_id": order_id, "user": user}

    return router


def build(resolver):
    app = resolver()
    app.use(middlewares=[tag("app_first")])

    @app.get("/")
    def index():
        return {"service": "routers", "routers": ["/todos", "/health", "/orders"]}

    @app.get("/broken")
    def broken():
        raise InvalidTodoId("raised by the app")

    @app.get("/lookup/<key>")
    def lookup(key: str):
        number = int(key)
        if number > 2:
            raise KeyError(number)
        return {"value": number * 10}

    @app.exception_handler([ValueError, KeyError])
    def bad_lookup(ex):
        return json_response(422, {"handled_by": "lookup"})

    @app.exception_handler(InvalidTodoId)
    def app_invalid_todo_id(ex):
        return json_response(418, {"handled_by": "app", "message": str(ex)})

    app.include_router(todos_router(), prefix="/todos")
    app.include_router(health_router(), prefix="/health")
    app.include_router(orders_router(), prefix="/orders")
    app.use(middlewares=[tag("app_last")])
    return app


def rest_event(path, headers):
    headers = {"Host": "api.example.com", **headers}
    return {
        "resource": "/{proxy+}", "path": path, "httpMethod": "GET",
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": None,
        "requestContext": {"stage": "prod", "requestId": "r-1", "path": f"/prod{path}", "httpMethod": "GET"},
        "body": None, "isBase64Encoded": False,
    }


def http_event(path, headers):
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": {"host": "api.example.com", **headers},
        "requestContext": {"http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "test"},
                           "requestId": "r-1", "routeKey": "$default", "stage": "$default"},
        "isBase64Encoded": False,
    }


def alb_event(path, headers):
    return {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1"}},
        "httpMethod": "GET", "path": path, "queryStringParameters": {}, "headers": {"host": "api.example.com", **headers},
        "body": "", "isBase64Encoded": False,
    }


class Context:
    function_name = "test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"


TENANT = {"x-tenant": "acme"}
# (path, headers, dependency overrides by function name)
REQUESTS = [(path, {}, {}) for path in [
    "/", "/broken", "/lookup/1", "/lookup/abc", "/lookup/7", "/todos", "/todos/1", "/todos/9",
    "/todos/abc", "/health", "/health/ready", "/nope"]] + [
    ("/orders", TENANT, {}),
    ("/orders", {}, {}),
    ("/orders/builds", TENANT, {}),
    ("/orders/42", TENANT, {}),
    ("/orders/42", {}, {}),
    ("/orders", {}, {"get_tenant": "test-tenant"}),
]
OVERRIDABLE = {"get_tenant": get_tenant}
SOURCES = [(APIGatewayRestResolver, rest_event), (APIGatewayHttpResolver, http_event), (ALBResolver, alb_event)]


def header(response, name):
    for headers in (response.get("multiValueHeaders") or {}, response.get("headers") or {}):
        for key, value in headers.items():
            if key.lower() == name.lower():
                return value[-1] if isinstance(value, list) else value
    return None


def main(out):
    cases = []
    for resolver, make_event in SOURCES:
        for path, headers, overrides in REQUESTS:
            app = build(resolver)
            for name, value in overrides.items():
                app.dependency_overrides[OVERRIDABLE[name]] = lambda value=value: value
            event = make_event(path, headers)
            response = app.resolve(json.loads(json.dumps(event)), Context())
            cases.append({
                "event": event,
                "overrides": overrides,
                "builds_seen_by_middleware": header(response, "X-Builds-Seen-By-Middleware"),
                "status": response["statusCode"],
                "middlewares": header(response, "X-Middlewares"),
                "body": json.loads(response["body"]) if response.get("body") else None,
            })
    with open(out, "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
