"""Writes the fuzzing seed corpus and dictionary: every event of the shared and recorded
conformance cases, one file each, and the JSON keys and strings those events use.

usage: seed.py CORPUS_DIR DICT_FILE CASES_JSON...
"""

import hashlib
import json
import os
import sys


def strings(value, out):
    """Collects the keys and short string values of a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            strings(item, out)
    elif isinstance(value, list):
        for item in value:
            strings(item, out)
    elif isinstance(value, str) and len(value) <= 40:
        out.add(value)


def main(corpus, dictionary, *case_files):
    os.makedirs(corpus, exist_ok=True)
    tokens = set()
    events = 0
    for path in case_files:
        for case in json.load(open(path)):
            text = json.dumps(case["event"]).encode()
            name = hashlib.sha1(text).hexdigest()
            with open(os.path.join(corpus, name), "wb") as out:
                out.write(text)
            strings(case["event"], tokens)
            events += 1
    with open(dictionary, "w") as out:
        for token in sorted(tokens):
            out.write(json.dumps(json.dumps(token)) + "\n")
    print(f"{events} seed events, {len(tokens)} dictionary entries")


if __name__ == "__main__":
    main(*sys.argv[1:])
