"""Records Powertools 3.37's answers for `tests/all/parameters.rs`: form fields, file uploads,
cookies and field options on a validated app (`enable_validation=True`).

The app is `examples/parameters` written for Powertools, after the docs' "Handling form data",
"File uploads" and cookie parameter samples: a contact form (`Form()` fields with
constraints, a list, an optional number), a file upload (`UploadFile` with `File()` beside a
`Form()` description), a gallery (`list[UploadFile]`) and preferences read from cookies
(`Cookie()`, an `Enum` and a length); and the field options: a model with
`validation_alias` and `serialization_alias`, a `Decimal` with `max_digits` and
`decimal_places`, `allow_inf_nan=False` and `strict=True`, and a search with a query
parameter's `validation_alias`, a strict one, a `Decimal` one and a header read with
`convert_underscores=False`. Each request goes through the REST, HTTP API and ALB
resolvers, multipart bodies base64-encoded as API Gateway sends them with binary media types
(and once as plain text, which Powertools reads as Latin-1). Also writes the app's OpenAPI
document, for `tests/all/parameters.rs` to compare the request bodies and parameters with. Run
with the bench venv's Python (`make bench` makes it):

    target/venv-bench/bin/python tests/conformance/parameters/record.py tests/conformance/parameters
"""

import base64
import json
import sys
from decimal import Decimal
from enum import Enum
from typing import Annotated, Optional
from urllib.parse import parse_qsl, urlsplit

from aws_lambda_powertools.event_handler import ALBResolver, APIGatewayHttpResolver, APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Cookie, File, Form, Header, Query, UploadFile
from pydantic import BaseModel, Field


class Theme(str, Enum):
    light = "light"
    dark = "dark"


class Item(BaseModel):
    item_id: int = Field(validation_alias="itemId", serialization_alias="id")
    price: Decimal = Field(max_digits=5, decimal_places=2)
    ratio: float = Field(allow_inf_nan=False)
    count: int = Field(strict=True)


def build(resolver):
    app = resolver(enable_validation=True)

    @app.post("/contact")
    def contact(
        name: Annotated[str, Form(min_length=2, description="Who is writing")],
        email: Annotated[str, Form(pattern=r"^[^@\s]+@[^@\s]+$")],
        topics: Annotated[list[str], Form()] = [],
        age: Annotated[Optional[int], Form(ge=0)] = None,
    ):
        return {"name": name, "email": email, "topics": topics, "age": age}

    @app.post("/upload")
    def upload(
        doc: Annotated[UploadFile, File(description="The file to keep")],
        description: Annotated[str, Form()] = "",
    ):
        return {
            "filename": doc.filename,
            "content_type": doc.content_type,
            "size": len(doc),
            "text": doc.content.decode("utf-8", "replace"),
            "description": description,
        }

    @app.post("/gallery")
    def gallery(images: Annotated[list[UploadFile], File()]):
        return {"images": [{"filename": image.filename, "size": len(image)} for image in images]}

    @app.get("/preferences")
    def preferences(
        session: Annotated[str, Cookie(min_length=8)],
        theme: Annotated[Theme, Cookie()] = Theme.light,
    ):
        return {"session": session, "theme": theme}

    @app.post("/items")
    def create_item(item: Item) -> Item:
        return item

    @app.get("/search")
    def search(
        search: Annotated[str, Query(validation_alias="s")],
        limit: Annotated[int, Query(strict=True)] = 1,
        amount: Annotated[Decimal, Query(max_digits=4, decimal_places=1)] = Decimal("1"),
        x_token: Annotated[str, Header(convert_underscores=False)] = "",
    ):
        return {"search": search, "limit": limit, "amount": str(amount), "x_token": x_token}

    return app


URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "switchyard-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(*parts):
    """A multipart body of (name, filename or None, content type or None, content) parts."""
    out = b""
    for name, filename, content_type, content in parts:
        disposition = f'Content-Disposition: form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{BOUNDARY}\r\n{disposition}\r\n".encode()
        if content_type is not None:
            out += f"Content-Type: {content_type}\r\n".encode()
        out += b"\r\n" + content + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


NOTE = ("doc", "note.txt", "text/plain", "hello, uploads\n".encode())
PNG = ("doc", "dot.png", "image/png", bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF]))

# (method, path, headers, body bytes, base64-encode the body)
REQUESTS = [
    ("POST", "/contact", {"content-type": URLENCODED}, b"name=Ada&email=ada%40example.com&topics=rust&topics=wasm&age=36", False),
    ("POST", "/contact", {"content-type": URLENCODED}, b"name=Ada&name=Grace&email=ada%40example.com", False),
    ("POST", "/contact", {"content-type": URLENCODED}, b"name=A&email=nobody&age=-1", False),
    ("POST", "/contact", {"content-type": URLENCODED}, b"email=ada%40example.com&age=old", False),
    ("POST", "/contact", {"content-type": URLENCODED}, b"", False),
    ("POST", "/contact", {"content-type": "application/json"}, b'{"name": "Ada", "email": "ada@example.com", "topics": ["json"]}', False),
    ("POST", "/contact", {"content-type": "application/json"}, b'["Ada"]', False),
    ("POST", "/contact", {"content-type": "text/plain"}, b"name=Ada", False),
    ("POST", "/contact", {"content-type": MULTIPART}, multipart(("name", None, None, b"Ada"), ("email", None, None, b"ada@example.com"), ("topics", None, None, b"multipart")), True),
    ("POST", "/upload", {"content-type": MULTIPART}, multipart(NOTE, ("description", None, None, b"a note")), True),
    ("POST", "/upload", {"content-type": MULTIPART}, multipart(PNG), True),
    ("POST", "/upload", {"content-type": MULTIPART}, multipart(("doc", "bare", None, b"no type")), True),
    ("POST", "/upload", {"content-type": MULTIPART}, multipart(NOTE), False),
    ("POST", "/upload", {"content-type": MULTIPART}, multipart(("description", None, None, b"no file")), True),
    ("POST", "/upload", {"content-type": MULTIPART}, multipart(("doc", None, None, b"text, not a file")), True),
    ("POST", "/upload", {"content-type": URLENCODED}, b"doc=hello", False),
    ("POST", "/gallery", {"content-type": MULTIPART}, multipart(("images", "a.png", "image/png", b"aa"), ("images", "b.png", "image/png", b"bbb")), True),
    ("POST", "/gallery", {"content-type": MULTIPART}, multipart(("images", "a.png", "image/png", b"aa"), ("images", None, None, b"text")), True),
    ("POST", "/gallery", {"content-type": MULTIPART}, multipart(), True),
    ("GET", "/preferences", {"cookie": "session=0123456789; theme=dark"}, b"", False),
    ("GET", "/preferences", {"cookie": "session=0123456789"}, b"", False),
    ("GET", "/preferences", {"cookie": "session=short; theme=blue"}, b"", False),
    ("GET", "/preferences", {}, b"", False),
    ("POST", "/items", {"content-type": "application/json"}, b'{"itemId": 1, "price": "123.45", "ratio": 1.5, "count": 2}', False),
    ("POST", "/items", {"content-type": "application/json"}, b'{"itemId": 7, "price": 10, "ratio": 0.5, "count": 3}', False),
    ("POST", "/items", {"content-type": "application/json"}, b'{"item_id": 1, "price": 1234.5, "ratio": 1.5, "count": "2"}', False),
    ("POST", "/items", {"content-type": "application/json"}, b'{"itemId": 1, "price": 1.234, "ratio": "inf", "count": 2.0}', False),
    ("POST", "/items", {"content-type": "application/json"}, b'{"itemId": 1, "price": "ten", "ratio": "nan", "count": true}', False),
    ("GET", "/search?s=lamp", {}, b"", False),
    ("GET", "/search?s=lamp&limit=5", {}, b"", False),
    ("GET", "/search?search=lamp", {}, b"", False),
    ("GET", "/search?s=lamp&amount=123.45", {}, b"", False),
    ("GET", "/search?s=lamp&amount=12.34", {}, b"", False),
    ("GET", "/search?s=lamp&amount=1.50", {}, b"", False),
    ("GET", "/search?s=lamp&amount=abc", {}, b"", False),
    ("GET", "/search?s=lamp", {"x_token": "underscored", "x-token": "dashed"}, b"", False),
    ("GET", "/search?s=lamp", {"x-token": "dashed"}, b"", False),
]


def body_fields(body, encoded):
    if encoded:
        return base64.b64encode(body).decode(), True
    return body.decode("utf-8"), False


def split_query(target):
    """The path of `target` and its query as a dict of lists."""
    parts = urlsplit(target)
    query = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    return parts.path, query, parts.query


def rest_event(method, target, headers, body, encoded):
    text, is_base64 = body_fields(body, encoded)
    path, query, _ = split_query(target)
    return {
        "resource": path, "path": path, "httpMethod": method,
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None, "pathParameters": None,
        "requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "stage": "prod", "path": f"/prod{path}",
                           "httpMethod": method, "resourcePath": path, "identity": {"sourceIp": "192.0.2.1"}},
        "body": text, "isBase64Encoded": is_base64,
    }


def http_event(method, target, headers, body, encoded):
    text, is_base64 = body_fields(body, encoded)
    path, query, raw_query = split_query(target)
    cookies = [c.strip() for c in headers.get("cookie", "").split(";") if c.strip()]
    plain = {k: v for k, v in headers.items() if k != "cookie"}
    event = {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": raw_query, "headers": plain,
        "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"},
                           "requestId": "JKJaXmPLvHcESHA=", "stage": "$default"},
        "body": text, "isBase64Encoded": is_base64,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    return event


def alb_event(method, target, headers, body, encoded):
    text, is_base64 = body_fields(body, encoded)
    path, query, _ = split_query(target)
    return {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1"}},
        "httpMethod": method, "path": path, "queryStringParameters": {k: v[-1] for k, v in query.items()},
        "headers": headers,
        "body": text, "isBase64Encoded": is_base64,
    }


class Context:
    function_name = "test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"


SOURCES = [(APIGatewayRestResolver, rest_event), (APIGatewayHttpResolver, http_event), (ALBResolver, alb_event)]


def main(out_dir):
    cases = []
    for resolver, make_event in SOURCES:
        for method, path, headers, body, encoded in REQUESTS:
            event = make_event(method, path, headers, body, encoded)
            response = build(resolver)(json.loads(json.dumps(event)), Context())
            cases.append({
                "event": event,
                "status": response["statusCode"],
                "body": json.loads(response["body"]) if response.get("body") else None,
            })
    with open(f"{out_dir}/cases.json", "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    openapi = json.loads(build(APIGatewayRestResolver).get_openapi_json_schema())
    with open(f"{out_dir}/openapi.json", "w") as f:
        json.dump(openapi, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases -> {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1])
