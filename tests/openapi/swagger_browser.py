#!/usr/bin/env python3
"""Open a bundle's Swagger UI in headless Chromium and check that every operation renders.

    swagger_browser.py SWITCHYARD BUNDLE_DIR [PATH]

Gets the page (`GET PATH`, default /swagger) and the document (`?format=json`) through
`switchyard invoke`, loads the page from a file in Chromium with no network, and checks that
each path of the document appears as a rendered operation (`data-path`). Closes with
'swagger-ui: N passed, N failed'.
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def invoke(switchyard, bundle, path, query):
    event = {"httpMethod": "GET", "path": path, "queryStringParameters": query,
             "requestContext": {"requestId": "swagger", "stage": "$default"}, "multiValueHeaders": {}}
    out = subprocess.run([switchyard, "invoke", "--bundle", bundle, "-"], input=json.dumps(event),
                         capture_output=True, text=True, timeout=60, check=True)
    response = json.loads(out.stdout)
    assert response["statusCode"] == 200, response
    return response["body"]


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    switchyard, bundle = argv[1], argv[2]
    path = argv[3] if len(argv) > 3 else "/swagger"
    page = invoke(switchyard, bundle, path, None)
    document = json.loads(invoke(switchyard, bundle, path, {"format": "json"}))
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "swagger.html"
        html.write_text(page)
        dom = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={tmp}/profile", "--proxy-server=127.0.0.1:9",
             "--virtual-time-budget=15000", "--dump-dom", html.as_uri()],
            capture_output=True, text=True, timeout=120).stdout
    rendered = set(re.findall(r'data-path="([^"]*)"', dom))
    checks = [(f"operation {p} rendered", p in rendered) for p in document["paths"]]
    checks.append(("the title rendered", document["info"]["title"] in dom))
    checks.append(("at least one operation", bool(document["paths"])))
    failed = [name for name, ok in checks if not ok]
    for name in failed:
        print(f"FAIL {name} (rendered: {sorted(rendered)})")
    print(f"swagger-ui: {len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
