#!/usr/bin/env python3
"""Open a bundle's Swagger UI in headless Chromium and check that every operation renders.

    swagger_browser.py SWITCHYARD BUNDLE_DIR [PATH [FILE_FIELDS]]

Gets the page (`GET PATH`, default /swagger) and the document (`?format=json`) through
`switchyard invoke`, loads the page from a file in Chromium with no network, and checks that
each path of the document appears as a rendered operation (`data-path`). Where the document
has file fields (`format: binary` in a `multipart/form-data` body), the page is also served
by `switchyard serve` and driven as a user would (every operation opened, "Try it out"
pressed, over the DevTools protocol on a pipe): each file field must be a file picker
(`<input type="file">`); FILE_FIELDS, when given, is how many the document must have. Closes with 'swagger-ui: N passed, N failed'.
"""

import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def invoke(switchyard, bundle, path, query):
    event = {"httpMethod": "GET", "path": path, "queryStringParameters": query,
             "requestContext": {"requestId": "swagger", "stage": "$default"}, "multiValueHeaders": {}}
    out = subprocess.run([switchyard, "invoke", "--bundle", bundle, "-"], input=json.dumps(event),
                         capture_output=True, text=True, timeout=60, check=True)
    response = json.loads(out.stdout)
    assert response["statusCode"] == 200, response
    return response["body"]


def is_file(schema, resolve):
    """A file, a list of files, or an optional one (as the SDK declares a form's files)."""
    alternatives = schema.get("anyOf", []) + schema.get("oneOf", [])
    return (schema.get("format") == "binary"
            or ("items" in schema and is_file(resolve(schema["items"]), resolve))
            or any(is_file(resolve(alt), resolve) for alt in alternatives))


def file_fields(document):
    """The number of file fields (`format: binary`, or a list of them) in multipart bodies."""
    schemas = document.get("components", {}).get("schemas", {})

    def resolve(schema):
        ref = schema.get("$ref", "")
        return schemas.get(ref.rsplit("/", 1)[-1], schema) if ref else schema

    count = 0
    for operations in document["paths"].values():
        for operation in operations.values():
            media = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            if not media:
                continue
            for field in resolve(media.get("schema", {})).get("properties", {}).values():
                if is_file(resolve(field), resolve):
                    count += 1
    return count


class DevTools:
    """Chromium driven over `--remote-debugging-pipe`: commands in on fd 3, replies out on
    fd 4, each a JSON message ended by a NUL."""

    def __init__(self, profile):
        to_chromium, self._commands = os.pipe()
        self._replies, from_chromium = os.pipe()

        def as_fds_3_and_4():
            os.dup2(to_chromium, 3)
            os.dup2(from_chromium, 4)

        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=as_fds_3_and_4, pass_fds=(3, 4), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chromium)
        os.close(from_chromium)
        self._buffer = b""
        self._next_id = 0

    def send(self, method, params=None, session=None, timeout=30):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                if not select.select([self._replies], [], [], timeout)[0]:
                    raise RuntimeError(f"chromium did not answer {method} in {timeout} s")
                chunk = os.read(self._replies, 65536)
                if not chunk:
                    raise RuntimeError("chromium exited")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next_id:
                return reply

    def close(self):
        # Its renderer and GPU processes too.
        os.killpg(self.process.pid, 9)
        self.process.wait()


def served_file_pickers(switchyard, bundle, path, wanted):
    """How many file pickers the served page shows once every operation is opened and in
    "Try it out" (waiting up to ten seconds for `wanted` of them)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([switchyard, "serve", "--bundle", bundle, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
            chromium = DevTools(profile)
            try:
                target = chromium.send("Target.createTarget", {"url": f"http://127.0.0.1:{port}{path}"})
                session = chromium.send("Target.attachToTarget", {
                    "targetId": target["result"]["targetId"], "flatten": True})["result"]["sessionId"]

                def evaluate(expression):
                    reply = chromium.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
                    return reply.get("result", {}).get("result", {}).get("value")

                def wait_for(expression, done):
                    """`expression`'s value once `done` holds for it, or its last in 10 s."""
                    for _ in range(50):
                        value = evaluate(expression)
                        if done(value):
                            break
                        time.sleep(0.2)
                    return value

                operations = wait_for("document.querySelectorAll('.opblock').length", bool)
                evaluate("document.querySelectorAll('.opblock-summary-control').forEach(e => e.click())")
                # Each opened operation shows its "Try it out" button once rendered.
                wait_for("document.querySelectorAll('button.try-out__btn').length",
                         lambda n: n is not None and n >= operations)
                evaluate("document.querySelectorAll('button.try-out__btn').forEach(b => b.click())")
                return wait_for("document.querySelectorAll('input[type=file]').length",
                                lambda n: n is not None and n >= wanted) or 0
            finally:
                chromium.close()
    finally:
        server.kill()
        server.wait()


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
    wanted = file_fields(document)
    if len(argv) > 4:
        checks.append((f"{argv[4]} file field(s) documented, found {wanted}", wanted == int(argv[4])))
    if wanted:
        pickers = served_file_pickers(switchyard, bundle, path, wanted)
        checks.append((f"{wanted} file picker(s) in Try it out, found {pickers}", pickers == wanted))
    failed = [name for name, ok in checks if not ok]
    for name in failed:
        print(f"FAIL {name} (rendered: {sorted(rendered)})")
    print(f"swagger-ui: {len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
