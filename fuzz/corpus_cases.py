"""Turns the fuzz corpus into conformance cases for a differential run (`make fuzz-diff`):
every input that is a JSON object of a source Switchyard tells apart, once per reference app,
named by its corpus file. `tests/conformance/differential/record.py` then records what
Powertools answers (dropping the events it raises on) and `make conformance` compares.

usage: corpus_cases.py CORPUS_DIR OUT_JSON
"""

import json
import os
import sys


def has_entries(event, key):
    value = event.get(key)
    return isinstance(value, dict) and len(value) > 0


def source_of(event):
    """The source `host/src/event/detect.rs` gives the event, named as the reference apps'
    `RESOLVERS` are; None when it tells none."""
    context = event.get("requestContext")
    context = context if isinstance(context, dict) else None
    alb = "alb-multi" if has_entries(event, "multiValueHeaders") else "alb"
    if context is not None and "elb" in context:
        return alb
    if "raw_path" in event and "method" in event:
        return "lattice-v1"
    if "method" in event and "path" in event and "httpMethod" not in event:
        return "lattice-v2"
    if "rawPath" in event or (context is not None and "http" in context):
        domain = context.get("domainName") if context else None
        return "function-url" if isinstance(domain, str) and ".lambda-url." in domain else "http-v2"
    if "httpMethod" in event and "path" in event:
        return "rest-v1" if context is not None else alb
    return None


def main(corpus, out_path):
    cases, seen = [], set()
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), "rb") as data:
            text = data.read()
        try:
            event = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
            continue
        source = source_of(event) if isinstance(event, dict) else None
        key = json.dumps(event, sort_keys=True)
        if source is None or key in seen:
            continue
        seen.add(key)
        for app in ("todos", "validated"):
            cases.append({"name": f"corpus-{name[:12]}@{source}", "app": app, "source": source, "event": event})
    with open(out_path, "w") as out:
        json.dump(cases, out, ensure_ascii=False)
    print(f"{len(cases)} cases from {len(seen)} events")


if __name__ == "__main__":
    main(*sys.argv[1:])
