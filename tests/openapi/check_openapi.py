#!/usr/bin/env python3
"""Check a generated OpenAPI document: valid OpenAPI 3.1, and the same API as Powertools'.

    check_openapi.py ACTUAL.json EXPECTED.json

Validity is checked with openapi-spec-validator. Against the document Powertools generated
for the same app, it compares paths and operations, each operation's parameters (name, in,
required, schema type and constraints), request body schemas, response codes and the
properties, required fields and enums of every component schema. Titles, descriptions, key
order and extra keywords (`format`, `default: null`) may differ. Closes with
'openapi: N passed, N failed'; exits 1 on any failure.
"""

import json
import sys

from openapi_spec_validator import validate

CONSTRAINTS = ("type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
               "minLength", "maxLength", "pattern", "multipleOf", "enum", "$ref")


def shape(schema):
    """The parts of a schema both generators must agree on."""
    if not isinstance(schema, dict):
        return schema
    out = {k: schema[k] for k in CONSTRAINTS if k in schema}
    for key in ("items",):
        if key in schema:
            out[key] = shape(schema[key])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            out[key] = sorted((shape(s) for s in schema[key]), key=json.dumps)
    if "properties" in schema:
        out["properties"] = {k: shape(v) for k, v in schema["properties"].items()}
    if "default" in schema and schema["default"] is not None:
        out["default"] = schema["default"]
    # 100 and 100.0 are the same bound.
    return json.loads(json.dumps(out), parse_int=float)


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    actual = json.load(open(argv[1]))
    expected = json.load(open(argv[2]))
    checks = []

    def check(name, want, got):
        checks.append((name, want == got, want, got))

    try:
        validate(actual)
        check("valid OpenAPI 3.1", True, True)
    except Exception as err:  # the validator's own error says what is wrong
        check("valid OpenAPI 3.1", "valid", str(err)[:300])

    check("openapi version", expected["openapi"], actual.get("openapi"))
    check("paths", sorted(expected["paths"]), sorted(actual.get("paths", {})))
    for path, item in expected["paths"].items():
        got_item = actual.get("paths", {}).get(path, {})
        check(f"{path} methods", sorted(item), sorted(got_item))
        for method, op in item.items():
            got = got_item.get(method, {})
            where = f"{method.upper()} {path}"
            check(f"{where} operationId", op.get("operationId"), got.get("operationId"))
            check(f"{where} tags", op.get("tags"), got.get("tags"))
            params = lambda o: {f'{p["in"]}:{p["name"]}': (p["required"], shape(p["schema"]))
                                for p in o.get("parameters", [])}
            check(f"{where} parameters", params(op), params(got))
            body = lambda o: {k: shape(v["schema"]) for k, v in
                              o.get("requestBody", {}).get("content", {}).items()}
            check(f"{where} request body", body(op), body(got))
            check(f"{where} request body required", op.get("requestBody", {}).get("required"),
                  got.get("requestBody", {}).get("required"))
            check(f"{where} responses", sorted(op["responses"]), sorted(got.get("responses", {})))
            for code, response in op["responses"].items():
                content = lambda r: {k: shape(v.get("schema")) for k, v in r.get("content", {}).items()}
                check(f"{where} {code} content", content(response),
                      content(got.get("responses", {}).get(code, {})))
    schemas = expected["components"]["schemas"]
    got_schemas = actual.get("components", {}).get("schemas", {})
    check("component schemas", sorted(schemas), sorted(got_schemas))
    for name, schema in schemas.items():
        got = got_schemas.get(name, {})
        check(f"{name} properties", shape(schema).get("properties"), shape(got).get("properties"))
        check(f"{name} required", sorted(schema.get("required", [])), sorted(got.get("required", [])))
        check(f"{name} enum", schema.get("enum"), got.get("enum"))

    failed = [c for c in checks if not c[1]]
    for name, _, want, got in failed:
        print(f"FAIL {name}: expected {json.dumps(want)[:300]}, got {json.dumps(got)[:300]}")
    print(f"openapi: {len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
