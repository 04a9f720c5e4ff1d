"""Warm per-event resolve with Powertools 3.37: event JSON bytes in, response JSON bytes out,
per call timed with timeit, for every scenario of target/bench/events.json.

usage: resolve.py EVENTS_JSON OUT_JSON
"""

import json
import sys
import timeit

import aws_lambda_powertools

from apps import CONTEXT, build

SECONDS = 2.5


def measure(app, event_bytes):
    def call():
        return json.dumps(app.resolve(json.loads(event_bytes), CONTEXT)).encode()

    timer = timeit.Timer(call)
    # Warm up, then size the run to about SECONDS.
    warm = timer.repeat(repeat=200, number=1)
    per_call = sorted(warm)[len(warm) // 2]
    calls = max(1000, min(200_000, int(SECONDS / max(per_call, 1e-7))))
    times = sorted(timer.repeat(repeat=calls, number=1))
    last = len(times) - 1
    return {
        "median_ns": round(times[round(last * 0.5)] * 1e9),
        "p99_ns": round(times[round(last * 0.99)] * 1e9),
        "mean_ns": round(sum(times) / len(times) * 1e9),
        "calls": len(times),
    }


def main(events_path, out_path):
    scenarios = json.load(open(events_path))["scenarios"]
    apps = {}
    results = {}
    for s in scenarios:
        app = apps.setdefault(s["app"], build(s["app"]))
        event_bytes = json.dumps(s["event"]).encode()
        results[s["name"]] = measure(app, event_bytes)
        r = results[s["name"]]
        print(f"powertools {s['name']:<12} median {r['median_ns'] / 1000:8.2f} µs  p99 {r['p99_ns'] / 1000:8.2f} µs  ({r['calls']} calls)")
    doc = {"tool": "powertools", "version": aws_lambda_powertools.__version__, "python": sys.version.split()[0], "results": results}
    with open(out_path, "w") as out:
        json.dump(doc, out, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
