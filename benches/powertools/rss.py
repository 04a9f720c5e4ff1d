"""Peak memory of a warm Powertools process: build the todos app, answer every event of a
JSON Lines file, exit. The driver reads the process's peak RSS.

usage: rss.py APP EVENTS_JSONL
"""

import json
import sys

from apps import CONTEXT, build

app = build(sys.argv[1])
for line in open(sys.argv[2], "rb"):
    json.dumps(app.resolve(json.loads(line), CONTEXT))
