#!/usr/bin/env python3
"""Record what Powertools 3.37 answers to each event of a case file, as the shared suite's
cases hold it, so `make conformance` compares Switchyard with it.

    record.py CASES.json

CASES.json is a list of `{name, app, source, event}` (an `expected` already there is replaced).
Each event is resolved by the shared reference app (`../shared/conformance/reference_app.py`)
for its app and source; an event Powertools fails on (it raises) is dropped, as such a case
would only say that Switchyard answers (a quirk case). Run it with Powertools installed:

    target/venv-bench/bin/python tests/conformance/differential/record.py \
        tests/conformance/differential/cases.json

The events of `cases.json` came from a differential run (events generated from the shared
cases for every source and route, run through Powertools and Switchyard): each is one where
the two answered differently and Switchyard was brought to Powertools' answer.

`mutations.json` is a sample of a later run of 51,318 events: the shared events mutated as
clients and AWS vary them (header case, repeats and disagreeing single- and multi-value
fields, origins and pre-flights, Accept-Encoding, methods, paths and stages, query forms,
cookies, bodies and base64 flags, content types, missing or null fields), alone and two to
four at once. Two events of each app, source and mutation kind where both answered alike,
so a change that breaks what matched fails `make conformance`.
"""

import json
import logging
import sys
import warnings
from pathlib import Path

# The Powertools side of the benchmarks builds the reference apps and the Lambda context.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benches" / "powertools"))


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    import apps

    resolvers = {}
    path = Path(argv[1])
    recorded, dropped = [], []
    for case in json.loads(path.read_text()):
        key = (case["app"], case["source"])
        if key not in resolvers:
            resolvers[key] = apps.build(*key)
        try:
            answer = resolvers[key].resolve(json.loads(json.dumps(case["event"])), apps.CONTEXT)
        except Exception as err:  # noqa: BLE001 - Powertools failing is what is dropped
            dropped.append(f"{case['name']}: {type(err).__name__}: {err}")
            continue
        case = {k: v for k, v in case.items() if k != "expected"}
        case["expected"] = json.loads(json.dumps(answer))
        recorded.append(case)
    path.write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n")
    print(f"recorded {len(recorded)} cases in {path}; dropped {len(dropped)}")
    for line in dropped:
        print("  dropped", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
