#!/usr/bin/env python3
"""Write the events of issue 22's audit (`audit.json`): queries as AWS sends them and as
hand-written events disagree, and REST headers only in `headers`, built from the shared
suite's events; `record.py audit.json` then records what Powertools 3.37 answers.

    audit_cases.py ../shared/conformance/cases.json tests/conformance/differential/audit.json
"""

import copy
import json
import sys

# (name, rawQueryString, queryStringParameters): what AWS sends for `+`, `%2B`, `%20` and
# repeated keys (both fields from one query), and events whose two fields disagree.
QUERIES = [
    ("plus-decoded", "q=+15551234", {"q": " 15551234"}),
    ("encoded-plus", "q=c%2B%2Bx", {"q": "c++x"}),
    ("plus-space", "q=a+b+c", {"q": "a b c"}),
    ("percent-space", "q=a%20bc", {"q": "a bc"}),
    ("repeated-tags", "q=lamp&tags=a&tags=b", {"q": "lamp", "tags": "a,b"}),
    ("encoded-comma", "q=lamp&tags=a%2Cb", {"q": "lamp", "tags": "a,b"}),
    ("literal-plus-kept", "q=+15551234", {"q": "+15551234"}),
    ("raw-only-name", "q=lamp&limit=500", {"q": "lamp"}),
    ("raw-without-parameters", "q=lamp", None),
    ("disagreeing-repeats", "q=lamp&limit=1&limit=2", {"q": "lamp", "limit": "7"}),
]


def query_cases(shared):
    base = {c["source"]: c for c in shared if c["name"].startswith("v-query-ok@")}
    for source in ("http-v2", "function-url"):
        for name, raw, parameters in QUERIES:
            event = copy.deepcopy(base[source]["event"])
            event["rawQueryString"] = raw
            if parameters is None:
                event.pop("queryStringParameters", None)
            else:
                event["queryStringParameters"] = parameters
            yield {"name": f"audit-query-{name}@{source}", "app": "validated", "source": source,
                   "event": event}


def header_cases(shared):
    """A REST event whose `headers` name what `multiValueHeaders` lacks (a console test
    event): Powertools reads `headers` for Origin, Accept-Encoding and the handler."""
    by_name = {c["name"]: c for c in shared}
    for case_name, header, value in [
        ("compress@rest-v1", "Accept-Encoding", "gzip"),
        ("cors-extra-origin@rest-v1", "Origin", "https://dev.example.com"),
    ]:
        case = by_name[case_name]
        event = copy.deepcopy(case["event"])
        event["multiValueHeaders"] = {
            k: v for k, v in event["multiValueHeaders"].items() if k.lower() != header.lower()
        }
        event["headers"][header] = value
        yield {"name": f"audit-single-header-{header.lower()}@rest-v1", "app": case["app"],
               "source": "rest-v1", "event": event}


def main(argv):
    shared = json.load(open(argv[1]))
    cases = list(query_cases(shared)) + list(header_cases(shared))
    with open(argv[2], "w") as out:
        json.dump(cases, out, indent=1, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main(sys.argv)
