#!/usr/bin/env python3
"""Write one app's cases and their events for `switchyard invoke --jsonl` and compare.py.

    split_cases.py CASES.json APP OUT_DIR

Writes OUT_DIR/APP-cases.json (the app's cases, in order) and OUT_DIR/APP-events.jsonl
(one event a line, same order).
"""

import json
import sys


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    cases_path, app, out_dir = argv[1:]
    cases = [case for case in json.load(open(cases_path)) if case["app"] == app]
    if not cases:
        print(f"no cases for app {app!r} in {cases_path}")
        return 1
    with open(f"{out_dir}/{app}-cases.json", "w") as out:
        json.dump(cases, out)
    with open(f"{out_dir}/{app}-events.jsonl", "w") as out:
        for case in cases:
            out.write(json.dumps(case["event"]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
