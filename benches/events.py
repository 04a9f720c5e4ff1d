"""Writes target/bench/events.json: every benchmark scenario's REST v1 event, taken from the
shared conformance cases so Switchyard, Powertools and the axum peer answer the same bytes.

usage: events.py CASES_JSON OUT_JSON
"""

import copy
import json
import sys

# (scenario, reference app, conformance case, path override): the route kinds, in
# table order, then the static route of the 50-route app that prices the sandbox.
SCENARIOS = [
    ("static", "todos", "root@rest-v1", None),
    ("dynamic", "todos", "get-one@rest-v1", None),
    ("routes_50", "routes50", "root@rest-v1", "/resource49/7"),
    ("validated", "validated", "v-body-ok@rest-v1", None),
    ("compressed", "todos", "compress@rest-v1", None),
    ("middleware", "todos", "mw-chain@rest-v1", None),
    ("hello", "routes50", "root@rest-v1", "/hello"),
]


def main(cases_path, out_path):
    cases = {c["name"]: c for c in json.load(open(cases_path))}
    scenarios = []
    for name, app, case, path in SCENARIOS:
        event = copy.deepcopy(cases[case]["event"])
        if path is not None:
            event["path"] = path
            event["requestContext"]["path"] = "/Prod" + path
        scenarios.append({"name": name, "app": app, "case": case, "event": event})
    with open(out_path, "w") as out:
        json.dump({"scenarios": scenarios}, out, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
