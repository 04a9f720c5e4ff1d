"""Reads the results of one `make bench` run from target/bench/ and prints the table with
medians, p99 and ratios; writes results.json, results.md and results.svg beside them.

usage: report.py BENCH_DIR
"""

import datetime
import json
import os
import platform
import subprocess
import sys

ROUTE_KINDS = ["static", "dynamic", "routes_50", "validated", "compressed", "middleware"]
TOOLS = [("powertools", "Powertools 3.37"), ("axum", "lambda_http + axum"), ("switchyard", "Switchyard")]
COLORS = {"powertools": "#e4a11b", "axum": "#7a7a7a", "switchyard": "#1f6fb2"}


def load(bench_dir, name):
    with open(os.path.join(bench_dir, name)) as f:
        return json.load(f)


def us(ns):
    return f"{ns / 1000:.1f}" if ns >= 10_000 else f"{ns / 1000:.2f}"


def ms(ns):
    return f"{ns / 1e6:.1f}"


def machine():
    model = "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "os": f"{platform.system()} {platform.release()}"}


def build(bench_dir):
    runs = {tool: load(bench_dir, f"{tool}.json") for tool, _ in TOOLS}
    cold = load(bench_dir, "cold.json")["results"]
    sy = runs["switchyard"]["results"]
    warm = []
    for kind in ROUTE_KINDS:
        row = {"scenario": kind}
        for tool, _ in TOOLS:
            row[tool] = runs[tool]["results"][kind]
        row["powertools_over_switchyard"] = row["powertools"]["median_ns"] / row["switchyard"]["median_ns"]
        row["axum_over_switchyard"] = row["axum"]["median_ns"] / row["switchyard"]["median_ns"]
        warm.append(row)
    hello, native, fresh = sy["hello"], sy["hello/native"], sy["hello/fresh"]
    sandbox = {
        "wasm": hello,
        "native": native,
        "fresh": fresh,
        "wasm_over_native": hello["median_ns"] / native["median_ns"],
        "fresh_extra_ns": fresh["median_ns"] - hello["median_ns"],
        "axum": runs["axum"]["results"].get("hello"),
        "powertools": runs["powertools"]["results"].get("hello"),
    }
    cold_ratio = cold["cold/powertools"]["median_ns"] / cold["cold/switchyard"]["median_ns"]
    rss_mib = cold["rss/switchyard-todos-example"]["peak_rss_bytes"] / 2**20
    targets = [
        ("warm resolve >= 10x faster than Powertools, every route kind",
         min(r["powertools_over_switchyard"] for r in warm) >= 10,
         f"lowest {min(r['powertools_over_switchyard'] for r in warm):.1f}x ({min(warm, key=lambda r: r['powertools_over_switchyard'])['scenario']})"),
        ("warm resolve faster than lambda_http + axum, every route kind",
         min(r["axum_over_switchyard"] for r in warm) > 1,
         f"lowest {min(r['axum_over_switchyard'] for r in warm):.2f}x ({min(warm, key=lambda r: r['axum_over_switchyard'])['scenario']})"),
        ("cold start >= 8x faster than Powertools", cold_ratio >= 8, f"{cold_ratio:.1f}x"),
        ("WebAssembly handler within 1.5x of native on the static route",
         sandbox["wasm_over_native"] <= 1.5, f"{sandbox['wasm_over_native']:.2f}x"),
        ("fresh instance per request < 10 µs extra",
         sandbox["fresh_extra_ns"] < 10_000, f"+{us(sandbox['fresh_extra_ns'])} µs"),
        ("peak RSS with the todos bundle < 40 MB", rss_mib < 40, f"{rss_mib:.1f} MiB"),
    ]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": "make bench",
        "powertools_version": runs["powertools"].get("version"),
        "python": runs["powertools"].get("python"),
        "warm": warm,
        "sandbox": sandbox,
        "cold": cold,
        "cold_ratio": cold_ratio,
        "targets": [{"target": t, "met": met, "measured": m} for t, met, m in targets],
    }


def markdown(r):
    out = []
    out.append("Warm resolve, event bytes in, response bytes out, per call, µs (median / p99):\n")
    out.append("| route kind | Powertools 3.37 | lambda_http + axum | Switchyard | Powertools ÷ Switchyard | axum ÷ Switchyard |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in r["warm"]:
        cells = [f"{us(row[t]['median_ns'])} / {us(row[t]['p99_ns'])}" for t, _ in TOOLS]
        out.append(f"| {row['scenario']} | {' | '.join(cells)} | {row['powertools_over_switchyard']:.1f}x | {row['axum_over_switchyard']:.2f}x |")
    s = r["sandbox"]
    out.append("\nThe sandbox's price, `routes50`'s static `GET /hello`, µs (median / p99):\n")
    out.append("| handler | median / p99 | against native |")
    out.append("| --- | ---: | ---: |")
    out.append(f"| native Rust closure in the host | {us(s['native']['median_ns'])} / {us(s['native']['p99_ns'])} | 1.00x |")
    out.append(f"| WebAssembly, warm instance | {us(s['wasm']['median_ns'])} / {us(s['wasm']['p99_ns'])} | {s['wasm_over_native']:.2f}x |")
    out.append(f"| WebAssembly, fresh instance per request | {us(s['fresh']['median_ns'])} / {us(s['fresh']['p99_ns'])} | {s['fresh']['median_ns'] / s['native']['median_ns']:.2f}x (+{us(s['fresh_extra_ns'])} µs over warm) |")
    c = r["cold"]
    out.append("\nCold start to first response (fresh process, one event), ms, and peak RSS:\n")
    out.append("| process | median / p99 | peak RSS |")
    out.append("| --- | ---: | ---: |")
    out.append(f"| Powertools: import, build 3 apps, resolve | {ms(c['cold/powertools']['median_ns'])} / {ms(c['cold/powertools']['p99_ns'])} | {c['cold/powertools']['peak_rss_bytes'] / 2**20:.1f} MiB |")
    out.append(f"| Switchyard: `invoke`, bundle of 3 components | {ms(c['cold/switchyard']['median_ns'])} / {ms(c['cold/switchyard']['p99_ns'])} | {c['cold/switchyard']['peak_rss_bytes'] / 2**20:.1f} MiB |")
    out.append(f"| ratio | {r['cold_ratio']:.1f}x | |")
    out.append("\nPeak RSS answering 1,000 events in one process:\n")
    out.append("| process | peak RSS |")
    out.append("| --- | ---: |")
    out.append(f"| Powertools, reference todos app | {c['rss/powertools']['peak_rss_bytes'] / 2**20:.1f} MiB |")
    out.append(f"| Switchyard, conformance-todos bundle | {c['rss/switchyard']['peak_rss_bytes'] / 2**20:.1f} MiB |")
    out.append(f"| Switchyard, todos bundle (examples/todos) | {c['rss/switchyard-todos-example']['peak_rss_bytes'] / 2**20:.1f} MiB |")
    out.append("\nTargets:\n")
    out.append("| target | measured | met |")
    out.append("| --- | ---: | :---: |")
    for t in r["targets"]:
        out.append(f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |")
    m = r["machine"]
    out.append(f"\n{m['cpu']}, {m['cores']} cores, {m['os']}; Python {r['python']}; {r['date']}.")
    return "\n".join(out) + "\n"


def svg(r):
    """Grouped horizontal bars, log scale: each route kind's median for the three tools."""
    import math

    rows = [(row["scenario"], [(t, row[t]["median_ns"]) for t, _ in TOOLS]) for row in r["warm"]]
    s = r["sandbox"]
    rows.append(("hello: native / wasm / fresh", [("native", s["native"]["median_ns"]), ("switchyard", s["wasm"]["median_ns"]), ("fresh", s["fresh"]["median_ns"])]))
    colors = dict(COLORS, native="#2e9e5b", fresh="#8e5bb5")
    left, width, bar, gap = 210, 560, 14, 14
    lo, hi = 1, 1000  # µs, log scale
    x = lambda ns: left + width * (math.log10(max(ns / 1000, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    height = 70 + len(rows) * (3 * bar + gap) + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" font-family="sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="{left}" y="22" font-size="15" font-weight="bold">Warm resolve per event, median (µs, log scale) — lower is faster</text>']
    top = 45
    for tick in (1, 3, 10, 30, 100, 300, 1000):
        tx = x(tick * 1000)
        parts.append(f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{height - 55}" stroke="#ddd"/>')
        parts.append(f'<text x="{tx:.1f}" y="{height - 40}" text-anchor="middle" fill="#555">{tick}</text>')
    y = top + 5
    for label, bars in rows:
        parts.append(f'<text x="{left - 8}" y="{y + 1.5 * bar + 4}" text-anchor="end">{label}</text>')
        for tool, ns in bars:
            parts.append(f'<rect x="{left}" y="{y}" width="{max(x(ns) - left, 1):.1f}" height="{bar - 2}" fill="{colors[tool]}"/>')
            parts.append(f'<text x="{x(ns) + 4:.1f}" y="{y + bar - 4}" fill="#333">{us(ns)}</text>')
            y += bar
        y += gap
    legend = [("powertools", "Powertools 3.37"), ("axum", "lambda_http + axum"), ("switchyard", "Switchyard (wasm, warm)"), ("native", "native handler in host"), ("fresh", "fresh instance")]
    lx = 20
    for key, text in legend:
        parts.append(f'<rect x="{lx}" y="{height - 22}" width="12" height="12" fill="{colors[key]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{height - 12}">{text}</text>')
        lx += 30 + 7 * len(text)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(bench_dir):
    r = build(bench_dir)
    md = markdown(r)
    with open(os.path.join(bench_dir, "results.json"), "w") as f:
        json.dump(r, f, indent=1)
    with open(os.path.join(bench_dir, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(bench_dir, "results.svg"), "w") as f:
        f.write(svg(r))
    print(md)
    print(f"wrote {bench_dir}/results.json, results.md and results.svg")


if __name__ == "__main__":
    main(*sys.argv[1:])
