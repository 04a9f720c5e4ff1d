"""Cold start and peak memory, Switchyard against Powertools, in one run.

Cold start: a fresh process that loads a bundle of three components (Switchyard `invoke`) or
imports Powertools and builds the three apps (Python), answers one event, and exits; timed
from spawn to exit, peak RSS from wait4. Peak RSS, warm: one process answering the same
batch of events, the todos app on each side.

usage: cold_start.py BENCH_DIR SWITCHYARD_BIN VENV_PYTHON
"""

import json
import os
import statistics
import subprocess
import sys
import time

RUNS = 20
BATCH = 1000
HERE = os.path.dirname(os.path.abspath(__file__))


def run(argv, env=None):
    """Spawns argv; returns (seconds from spawn to exit, peak RSS in bytes)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err}")
    return took, usage.ru_maxrss * 1024


def summary(samples):
    times = sorted(t for t, _ in samples)
    last = len(times) - 1
    return {
        "median_ns": round(statistics.median(times) * 1e9),
        "p99_ns": round(times[round(last * 0.99)] * 1e9),
        "runs": len(times),
        "peak_rss_bytes": max(rss for _, rss in samples),
    }


def repeat(argv, env):
    for _ in range(2):  # page cache and the venv's .pyc files warm, as on a reused machine
        run(argv, env)
    return summary([run(argv, env) for _ in range(RUNS)])


def main(bench_dir, switchyard, python):
    env = dict(os.environ, SWITCHYARD_LOG_LEVEL="warn")
    scenarios = {s["name"]: s for s in json.load(open(os.path.join(bench_dir, "events.json")))["scenarios"]}
    event_path = os.path.join(bench_dir, "cold-event.json")
    with open(event_path, "w") as out:
        json.dump(scenarios["dynamic"]["event"], out)
    results = {
        "cold/switchyard": repeat([switchyard, "invoke", "--bundle", os.path.join(bench_dir, "bundles/cold-start"), event_path], env),
        "cold/powertools": repeat([python, os.path.join(HERE, "powertools/cold_start.py"), event_path], env),
    }
    # Warm peak RSS: the todos scenarios' events, BATCH of them, through one process.
    todos = [s["event"] for s in scenarios.values() if s["app"] == "todos"]
    batch_path = os.path.join(bench_dir, "todos-batch.jsonl")
    with open(batch_path, "w") as out:
        for i in range(BATCH):
            out.write(json.dumps(todos[i % len(todos)]) + "\n")
    results["rss/switchyard"] = summary([run([switchyard, "invoke", "--bundle", os.path.join(bench_dir, "bundles/conformance-todos"), "--jsonl", batch_path], env)])
    results["rss/switchyard-todos-example"] = summary([run([switchyard, "invoke", "--bundle", os.path.join(bench_dir, "bundles/todos"), "--jsonl", batch_path], env)])
    results["rss/powertools"] = summary([run([python, os.path.join(HERE, "powertools/rss.py"), "todos", batch_path], env)])
    for name, r in results.items():
        print(f"{name:<32} median {r['median_ns'] / 1e6:8.2f} ms  p99 {r['p99_ns'] / 1e6:8.2f} ms  peak RSS {r['peak_rss_bytes'] / 2**20:6.1f} MiB")
    with open(os.path.join(bench_dir, "cold.json"), "w") as out:
        json.dump({"tool": "cold_start.py", "results": results}, out, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
