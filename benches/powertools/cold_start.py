"""One cold start: import Powertools, build the three apps (as a Switchyard bundle of three
components loads three), resolve one event, print the response. The driver times the whole
process.

usage: cold_start.py EVENT_JSON
"""

import json
import sys

from apps import CONTEXT, build

apps = [build(name) for name in ("todos", "validated", "routes50")]
event = json.loads(open(sys.argv[1], "rb").read())
print(json.dumps(apps[0].resolve(event, CONTEXT)))
