"""The `todos` example's Python twin, and the statuses Powertools 3.37 gives the shared sample events.

The app is `examples/todos/src/lib.rs` written for Powertools: the same routes, the same
`CORSConfig`, no catch-all. Each sample event under `shared/conformance/events` goes through the
resolver of its source (by the prefix of its file name, as `host/src/event/detect.rs`'s test
names them); the output is the `STATUSES` table of `tests/all/events.rs`. Run with the bench
venv's Python (`make bench` makes it):

    target/venv-bench/bin/python tests/conformance/todos-twin/record.py
"""

import json
import os
import sys

from aws_lambda_powertools.event_handler import (
    ALBResolver,
    APIGatewayHttpResolver,
    APIGatewayRestResolver,
    CORSConfig,
    LambdaFunctionUrlResolver,
    Response,
    VPCLatticeResolver,
    VPCLatticeV2Resolver,
    content_types,
)
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS = os.path.join(os.environ.get("CONFORMANCE_DIR", os.path.join(HERE, "../../../../shared/conformance")), "events")

# The first prefix that matches a file's name wins.
RESOLVERS = [
    ("alb", ALBResolver),
    ("apiGatewayProxyV2", APIGatewayHttpResolver),
    ("apiGateway", APIGatewayRestResolver),
    ("apigateway", APIGatewayRestResolver),
    ("lambdaFunctionUrl", LambdaFunctionUrlResolver),
    ("vpcLatticeV2", VPCLatticeV2Resolver),
    ("vpcLatticeEventV2", VPCLatticeV2Resolver),
    ("vpcLattice", VPCLatticeResolver),
]

ROUTES = [
    "GET /todos?limit=N",
    "GET /todos/<todo_id>",
    "POST /todos",
    "PUT /todos/<todo_id>",
    "PATCH /todos/<todo_id>",
    "DELETE /todos/<todo_id>",
    "GET /panic",
]


def todos_app(resolver):
    app = resolver(cors=CORSConfig(allow_origin="https://www.example.com"))
    todos = [
        {"userId": 1 + i // 5, "id": i + 1, "title": f"todo number {i + 1}", "completed": i % 3 == 0}
        for i in range(20)
    ]

    def find(todo_id: str):
        for todo in todos:
            if todo_id.isdigit() and todo["id"] == int(todo_id):
                return todo
        raise NotFoundError(f"todo {todo_id} not found")

    @app.get("/")
    def index():
        return {
            "name": "todos",
            "description": "The getting-started todos API of the Powertools docs, served by Switchyard",
            "routes": ROUTES,
            "openapi": "switchyard openapi --bundle target/bundles/todos prints its OpenAPI document",
        }

    @app.get("/todos")
    def list_todos():
        limit = int(app.current_event.get_query_string_value("limit", "10"))
        return {"todos": todos[:limit]}

    @app.get("/todos/<todo_id>")
    def get_todo(todo_id: str):
        return {"todo": find(todo_id)}

    @app.post("/todos")
    def create_todo():
        data = app.current_event.json_body
        todo = {"userId": data.get("userId", 1), "id": max(t["id"] for t in todos) + 1,
                "title": data["title"], "completed": data.get("completed", False)}
        todos.append(todo)
        return todo, 201

    @app.route("/todos/<todo_id>", method=["PUT", "PATCH"])
    def update_todo(todo_id: str):
        todo = find(todo_id)
        data = app.current_event.json_body
        todo.update(title=data["title"], completed=data.get("completed", False))
        return todo

    @app.delete("/todos/<todo_id>")
    def delete_todo(todo_id: str):
        todos.remove(find(todo_id))
        return Response(status_code=204, content_type=content_types.TEXT_PLAIN, body="")

    @app.get("/panic")
    def panic_route():
        raise RuntimeError("this handler panics on purpose")

    return app


class Context:
    function_name = "test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"


def main() -> None:
    names = sorted(os.listdir(EVENTS))
    print(f"const STATUSES: [(&str, u64); {len(names)}] = [")
    for name in names:
        resolver = next(r for prefix, r in RESOLVERS if name.startswith(prefix))
        with open(os.path.join(EVENTS, name)) as f:
            event = json.load(f)
        response = todos_app(resolver).resolve(event, Context())
        print(f'    ("{name}", {response["statusCode"]}),')
    print("];")


if __name__ == "__main__":
    sys.exit(main())
