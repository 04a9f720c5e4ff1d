"""The deployment, tested for real (`make deploy-test`, part of `make test`).

1. Templates: template.yaml and deploy/micro-functions.yaml translate to CloudFormation with
   aws-sam-translator and lint clean with cfn-lint; every resource SAM builds with make has its
   `build-<LogicalId>` target.
2. Package: the zip holds `bootstrap` (static) and the precompiled bundle, the same files as
   `sam build` made for template.yaml; `sam build` made the micro-functions' layer and bundles.
3. A project of its own: `switchyard new` in a temporary directory outside the repository,
   then what its README says (`switchyard build`, `invoke` on each sample event, `make test`,
   `make package`, `sam build`); its template translated and linted.
4. Runtime API: the `bootstrap` from target/lambda/switchyard.zip (and the micro-functions'
   layer + bundles from `sam build`, and the new project's package) runs against cargo-lambda's Lambda
   Runtime API emulator (`cargo lambda watch --only-lambda-apis`) on 127.0.0.1. Events of
   every source go through the Invoke API and come back as the right HTTP responses; a guest
   panic is an HTTP 500 response, not an invocation error, and the process serves the next
   invocation; the Function URL front-end answers real HTTP requests.

Between the bootstraps and the emulator, a TCP relay gives invocations a deadline in epoch
milliseconds, as Lambda does, where cargo-lambda 1.9.2 sends a duration (see DeadlineRelay).

Every wait has a timeout, every process started here is stopped, and only 127.0.0.1 is used.
The last line is `N passed, N failed`; the exit code is non-zero on any failure.
"""

from __future__ import annotations

import argparse
import base64
import filecmp
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import templates  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# One invocation, start to end (the bootstrap answers in milliseconds).
INVOKE_TIMEOUT = 30
# From process start to listening / to the first answer.
START_TIMEOUT = 60


class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return ok

    def run(self, name: str, test) -> None:
        """Runs one test function; an exception is a failure, not the end of the run."""
        try:
            test()
        except Exception as err:  # noqa: BLE001 - every error is a reported failure
            self.check(name, False, f"{type(err).__name__}: {err}")
            traceback.print_exc(file=sys.stdout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, deadline: float, proc: subprocess.Popen | None = None) -> None:
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {HOST}:{port}")


def stop(proc: subprocess.Popen | None) -> None:
    """Stops a process this script started (its own process group), then waits for it."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


# ---------------------------------------------------------------------------------------------
# The Runtime API emulator, and the bootstraps it serves
# ---------------------------------------------------------------------------------------------


class Emulator:
    """`cargo lambda watch --only-lambda-apis`: the Lambda Runtime API under /.rt/<function>,
    the Invoke API, and the Function URL front-end (/lambda-url/<function>/...).

    It needs a Cargo project whose binaries name the functions; it builds nothing."""

    def __init__(self, venv_bin: Path, work: Path, functions: list[str]) -> None:
        self.dir = work / "emulator"
        self.dir.mkdir(parents=True, exist_ok=True)
        bins = "".join(f'[[bin]]\nname = "{f}"\npath = "main.rs"\n' for f in functions)
        (self.dir / "Cargo.toml").write_text(
            '[package]\nname = "functions"\nversion = "0.0.0"\nedition = "2021"\n\n'
            + bins
            + "\n[workspace]\n"
        )
        (self.dir / "main.rs").write_text("fn main() {}\n")
        self.port = free_port()
        self.log = open(work / "emulator.log", "w")
        self.proc = subprocess.Popen(
            [
                str(venv_bin / "cargo-lambda"),
                "lambda",
                "watch",
                "--only-lambda-apis",
                # Our host answers CORS itself; the emulator must not.
                "--disable-cors",
                "--invoke-address",
                HOST,
                "--invoke-port",
                str(self.port),
            ],
            cwd=self.dir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}"},
            start_new_session=True,
        )
        wait_for_port(self.port, time.monotonic() + START_TIMEOUT, self.proc)

    def close(self) -> None:
        stop(self.proc)
        self.log.close()


class DeadlineRelay:
    """A TCP relay between the bootstraps and the emulator that mends one difference from
    Lambda: cargo-lambda 1.9.2 sends `Lambda-Runtime-Deadline-Ms: 600000`, a duration, where
    Lambda sends the deadline in epoch milliseconds. Read as a date it has passed, and the host
    would let each guest call run only until the next epoch tick (at most 5 ms), which a slow
    moment of the machine can exceed (a 504). The relay writes now + 60 s instead.

    It relays bytes, one upstream connection per connection of the bootstrap, opened and closed
    with it, so the emulator sees the bootstrap's own connection behaviour. (An HTTP proxy that
    closed its upstream connection after each answer lost the body of `response` POSTs, which
    cargo-lambda reads after it has answered them.)"""

    HEADER = re.compile(rb"(lambda-runtime-deadline-ms: *)(\d+)\r\n", re.IGNORECASE)

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        # Connections of the bootstrap open now, and the most open at once: a bootstrap
        # polling `next` from N workers holds N.
        self.open = 0
        self.peak = 0
        self.listener = socket.socket()
        self.listener.bind((HOST, 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection((HOST, self.upstream_port), timeout=10)
            except OSError:
                return
            upstream.settimeout(None)
            with self.lock:
                self.sockets += [client, upstream]
                self.open += 1
                self.peak = max(self.peak, self.open)
            threading.Thread(target=self.pump_client, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, True), daemon=True).start()

    @classmethod
    def rewrite(cls, data: bytes) -> bytes:
        def fix(m: re.Match) -> bytes:
            if int(m.group(2)) >= 10**12:  # already epoch milliseconds
                return m.group(0)
            return m.group(1) + str(int(time.time() * 1000) + 60_000).encode() + b"\r\n"

        return cls.HEADER.sub(fix, data)

    @classmethod
    def split_partial_header(cls, data: bytes) -> tuple[bytes, bytes]:
        """`data` less a last line that may be the deadline header cut by a `recv`, and that
        line: held back for the next chunk so the header is rewritten whole. Only such a
        line is held, which never ends a response, so nothing waits on it."""
        start = data.rfind(b"\n") + 1
        tail = data[start:].lower()
        name = b"lambda-runtime-deadline-ms:"
        partial = bool(tail) and (
            name.startswith(tail) or (tail.startswith(name) and tail[len(name) :].strip(b" 0123456789\r") == b"")
        )
        return (data[:start], data[start:]) if partial else (data, b"")

    def pump_client(self, client: socket.socket, upstream: socket.socket) -> None:
        self.pump(client, upstream, False)
        with self.lock:
            self.open -= 1

    def pump(self, src: socket.socket, dst: socket.socket, rewrite: bool) -> None:
        held = b""
        try:
            while data := src.recv(65536):
                if rewrite:
                    data, held = self.split_partial_header(held + data)
                    data = self.rewrite(data)
                dst.sendall(data)
            dst.sendall(held)
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                sock.close()


class Bootstrap:
    """One `bootstrap` process serving one function of the emulator, as Lambda runs it."""

    def __init__(
        self,
        exe: Path,
        function: str,
        runtime: "DeadlineRelay",
        work: Path,
        bundle: Path | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "SWITCHYARD_", "POWERTOOLS_", "LAMBDA_"))
        }
        env.update(
            {
                "AWS_LAMBDA_RUNTIME_API": f"http://{HOST}:{runtime.port}/.rt/{function}",
                "AWS_LAMBDA_FUNCTION_NAME": function,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_REGION": "us-east-1",
                "LAMBDA_TASK_ROOT": str(exe.parent),
                "SWITCHYARD_LOG_FORMAT": "json",
            }
        )
        if bundle is not None:
            env["SWITCHYARD_BUNDLE"] = str(bundle)
        env.update(extra_env or {})
        self.function = function
        self.log_path = work / f"bootstrap-{function}.log"
        self.log = open(self.log_path, "w")
        # Run from elsewhere: the bundle is found beside the binary, not in the cwd.
        self.proc = subprocess.Popen(
            [str(exe)],
            cwd=work,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_lines(self) -> list[dict]:
        self.log.flush()
        lines = []
        for line in self.log_path.read_text().splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                lines.append({"message": line})
        return lines

    def close(self) -> None:
        stop(self.proc)
        self.log.close()


# Every Invoke API call's HTTP status: 200 when the function posted a response, 500 when it
# posted an invocation error (cargo-lambda answers the Invoke API as Lambda does).
INVOKE_STATUSES: list[int] = []


def invoke(emulator: Emulator, function: str, event: dict) -> dict:
    """The Invoke API (RequestResponse): the function's answer, decoded. An invocation error
    raises (HTTP 500 from the Invoke API)."""
    req = urllib.request.Request(
        f"http://{HOST}:{emulator.port}/2015-03-31/functions/{function}/invocations",
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=INVOKE_TIMEOUT) as resp:
            INVOKE_STATUSES.append(resp.status)
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:
        INVOKE_STATUSES.append(err.code)
        raise RuntimeError(f"invocation error (HTTP {err.code}): {err.read()[:300]!r}") from err


def url_request(
    emulator: Emulator, function: str, method: str, path: str, body: bytes | None = None
) -> tuple[int, dict, bytes]:
    """A real HTTP request to the emulator's Function URL front-end."""
    req = urllib.request.Request(
        f"http://{HOST}:{emulator.port}/lambda-url/{function}{path}",
        data=body,
        method=method,
        headers={"Content-Type": "application/json"} if body else {},
    )
    try:
        with urllib.request.urlopen(req, timeout=INVOKE_TIMEOUT) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


# ---------------------------------------------------------------------------------------------
# Events, from the shared samples so each source's shape is the real one
# ---------------------------------------------------------------------------------------------


class Events:
    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def sample(self, name: str) -> dict:
        return json.loads((self.dir / name).read_text())

    @staticmethod
    def _body(body, b64: bool) -> tuple[str | None, bool]:
        if body is None:
            return None, False
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        if b64:
            return base64.b64encode(raw).decode(), True
        return raw.decode(), False

    def rest(self, method, path, query=None, body=None, b64=False, resource="/{proxy+}"):
        e = self.sample("apiGatewayProxyEvent.json")
        e["httpMethod"] = method
        e["path"] = path
        e["resource"] = resource
        e["requestContext"]["httpMethod"] = method
        e["requestContext"]["path"] = path
        e["requestContext"]["resourcePath"] = resource
        e["queryStringParameters"] = dict(query) if query else None
        e["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
        e["pathParameters"] = {"proxy": path.lstrip("/")} if "{proxy+}" in resource else None
        e["body"], e["isBase64Encoded"] = self._body(body, b64)
        return e

    def _v2(self, sample, method, path, query, body, b64):
        e = self.sample(sample)
        e["rawPath"] = path
        e["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
        e["queryStringParameters"] = dict(query) if query else None
        if not query:
            e.pop("queryStringParameters")
        e["requestContext"]["http"]["method"] = method
        e["requestContext"]["http"]["path"] = path
        e["pathParameters"] = None
        body, encoded = self._body(body, b64)
        if body is None:
            e.pop("body", None)
        else:
            e["body"] = body
        e["isBase64Encoded"] = encoded
        return e

    def http_api(self, method, path, query=None, body=None, b64=False):
        return self._v2("apiGatewayProxyV2Event.json", method, path, query, body, b64)

    def function_url(self, method, path, query=None, body=None, b64=False):
        return self._v2("lambdaFunctionUrlEvent.json", method, path, query, body, b64)

    def alb(self, method, path, query=None, body=None):
        e = self.sample("albEvent.json")
        e["httpMethod"] = method
        e["path"] = path
        e["queryStringParameters"] = dict(query or {})
        e["body"], e["isBase64Encoded"] = self._body(body, False)
        if e["body"] is None:
            e["body"] = ""
        # Asking for gzip would be honoured; these checks read plain bodies.
        e["headers"].pop("accept-encoding", None)
        return e

    def lattice(self, method, path, query=None, body=None):
        e = self.sample("vpcLatticeV2Event.json")
        e["method"] = method
        e["path"] = path
        e["queryStringParameters"] = dict(query or {})
        e["body"], e["isBase64Encoded"] = self._body(body, False)
        if body is not None:
            e["headers"]["content-type"] = "application/json"
        return e


def body_json(response: dict):
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body) if body else None


def header(response: dict, name: str) -> str | None:
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------


def check_templates(r: Results, work: Path) -> None:
    for rel in ("template.yaml", "deploy/micro-functions.yaml"):
        path = REPO / rel
        source = templates.load(path)
        try:
            cfn = templates.translate(source)
        except Exception as err:  # noqa: BLE001 - the translator's verdict
            r.check(f"{rel}: aws-sam-translator", False, str(err))
            continue
        r.check(f"{rel}: aws-sam-translator", "Resources" in cfn)
        out = work / (path.stem + ".cfn.json")
        out.write_text(json.dumps(cfn, indent=2))
        code, text = templates.cfn_lint(out)
        r.check(f"{rel}: cfn-lint on the CloudFormation", code == 0, text)
        code, text = templates.cfn_lint(path)
        r.check(f"{rel}: cfn-lint on the SAM template", code == 0, text)

        functions = {
            name: res
            for name, res in cfn["Resources"].items()
            if res["Type"] == "AWS::Lambda::Function"
        }
        r.check(
            f"{rel}: functions run bootstrap on provided.al2023",
            bool(functions)
            and all(
                f["Properties"]["Runtime"] == "provided.al2023"
                and f["Properties"]["Handler"] == "bootstrap"
                and f["Properties"]["Environment"]["Variables"]["SWITCHYARD_BUNDLE"]
                == "/var/task/bundle"
                for f in functions.values()
            ),
            json.dumps({n: f["Properties"].get("Runtime") for n, f in functions.items()}),
        )
        # Every resource SAM builds with make has its target, and its code dir has the Makefile.
        for name in templates.makefile_builds(source):
            done = subprocess.run(
                ["make", "-n", f"build-{name}", "ARTIFACTS_DIR=/nonexistent"],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=120,
            )
            r.check(f"{rel}: make has build-{name}", done.returncode == 0, done.stderr[-500:])
        for name, code_dir in templates.local_code_dirs(path, source).items():
            r.check(
                f"{rel}: {name} builds from the directory of the Makefile",
                code_dir == REPO and (code_dir / "Makefile").is_file(),
                str(code_dir),
            )

    # The main template's shape: the REST API catch-all, CORS, binary types, the URL.
    cfn = templates.translate(templates.load(REPO / "template.yaml"))
    res = cfn["Resources"]
    api = res["ServerlessRestApi"]["Properties"]
    paths = api["Body"]["paths"]
    r.check(
        "template.yaml: REST API catch-all `/{proxy+}` and `/`, ANY, with CORS pre-flights",
        all(
            "x-amazon-apigateway-any-method" in paths.get(p, {}) and "options" in paths.get(p, {})
            for p in ("/{proxy+}", "/")
        ),
        json.dumps(sorted(paths)),
    )
    r.check(
        "template.yaml: binary media types",
        api.get("BinaryMediaTypes") == ["*~1*"],
        json.dumps(api.get("BinaryMediaTypes")),
    )
    r.check(
        "template.yaml: Function URL, public only by choice",
        any(v["Type"] == "AWS::Lambda::Url" for v in res.values())
        and all(
            v.get("Condition") == "PublicFunctionUrl"
            for v in res.values()
            if v["Type"] == "AWS::Lambda::Permission" and "FunctionUrlAuthType" in v["Properties"]
        ),
    )
    r.check(
        "template.yaml: outputs the API and Function URLs",
        {"ApiUrl", "FunctionUrl"} <= set(cfn.get("Outputs", {})),
    )
    micro = templates.translate(templates.load(REPO / "deploy/micro-functions.yaml"))["Resources"]
    layers = [n for n, v in micro.items() if v["Type"] == "AWS::Lambda::LayerVersion"]
    fns = [v for v in micro.values() if v["Type"] == "AWS::Lambda::Function"]
    micro_paths = sorted(micro["ServerlessRestApi"]["Properties"]["Body"]["paths"])
    r.check(
        "micro-functions: /users and /users/{id+} are two functions sharing the host layer",
        len(fns) == 2
        and len(layers) == 1
        and all(f["Properties"]["Layers"] == [{"Ref": layers[0]}] for f in fns)
        and micro_paths == ["/users", "/users/{id+}"],
        json.dumps(micro_paths),
    )

    # The lint is not vacuous: a template CloudFormation would refuse fails it.
    broken = templates.load(REPO / "template.yaml")
    broken["Globals"]["Function"]["Runtime"] = "provided.al2099"
    out = work / "broken.cfn.json"
    out.write_text(json.dumps(templates.translate(broken)))
    code, _ = templates.cfn_lint(out)
    r.check("cfn-lint refuses a bad runtime (control)", code != 0)


def elf_interpreter(path: Path) -> str | None:
    """The dynamic loader an ELF executable asks for (PT_INTERP), None for a static one."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path} is not a 64-bit little-endian ELF file")
    phoff = int.from_bytes(data[0x20:0x28], "little")
    phentsize = int.from_bytes(data[0x36:0x38], "little")
    phnum = int.from_bytes(data[0x38:0x3A], "little")
    for i in range(phnum):
        entry = data[phoff + i * phentsize : phoff + (i + 1) * phentsize]
        if int.from_bytes(entry[0:4], "little") == 3:  # PT_INTERP
            offset = int.from_bytes(entry[8:16], "little")
            size = int.from_bytes(entry[32:40], "little")
            return data[offset : offset + size].rstrip(b"\0").decode()
    return None


def unpack(zip_path: Path, dest: Path) -> None:
    """Unzips keeping the modes (bootstrap must stay executable) but not the dates: each file
    is dated when it is written, in the zip's order, the harder case for the host's check
    that a `.cwasm` is not older than its `.wasm`."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            path = archive.extract(info, dest)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode)


def check_package(r: Results, zip_path: Path, sam: Path, unpacked: Path) -> None:
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
    r.check(
        "package: bootstrap and the precompiled bundle",
        names == ["bootstrap", "bundle/switchyard.json", "bundle/todos.wasm", "bundle/todos.cwasm"],
        json.dumps(names),
    )
    r.check(
        "package: bootstrap is executable",
        modes.get("bootstrap") == 0o755,
        oct(modes.get("bootstrap", 0)),
    )
    unpack(zip_path, unpacked)
    interpreter = elf_interpreter(unpacked / "bootstrap")
    r.check(
        "package: bootstrap is a static binary (no dynamic loader, so no glibc to match)",
        interpreter is None,
        f"needs {interpreter}",
    )
    # `sam build` (build-EventHandlerFunction) makes the same files as `make package`. A
    # `.cwasm` holds its component's pre-initialised app, whose hash keys are drawn at each
    # compile (host/src/runtime/preinit.rs): both are to be wasmtime artifacts (ELF), not the
    # same bytes. The Runtime API checks below load the package's and see it used.
    built = sam / "template" / "EventHandlerFunction"

    def same_file(name: str) -> bool:
        ours, theirs = unpacked / name, built / name
        if not theirs.is_file():
            return False
        if name.endswith(".cwasm"):
            return all(p.read_bytes()[:4] == b"\x7fELF" for p in (ours, theirs))
        return filecmp.cmp(theirs, ours, shallow=False)

    differing = [n for n in names if not same_file(n)]
    r.check("package: same files as SAM's build-EventHandlerFunction", not differing, json.dumps(differing))
    # So SAM's `.cwasm` must work as the package's does: loaded as it is, answering the same.
    event = json.dumps({"httpMethod": "GET", "path": "/todos/1", "requestContext": {"requestId": "sam"}})
    answers = []
    for bundle in (unpacked / "bundle", built / "bundle"):
        done = subprocess.run(
            [str(unpacked / "bootstrap"), "invoke", "--bundle", str(bundle), "-"],
            input=event,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": os.environ.get("PATH", ""), "SWITCHYARD_LOG_LEVEL": "info"},
        )
        compiled = "compiling" in done.stderr.lower()
        answers.append((done.returncode, done.stdout, compiled, done.stderr[-300:]))
    (ours, theirs) = answers
    r.check(
        "package: SAM's bundle answers as the package's, from its own precompiled components",
        ours[0] == 0 and ours[1:3] == theirs[1:3] and not theirs[2] and '"statusCode":200' in theirs[1],
        json.dumps(answers)[:600],
    )
    for layout, files in {
        "HostLayer": ["bootstrap"],
        "UsersFunction": ["bundle/switchyard.json", "bundle/users.cwasm", "bundle/users.wasm"],
        "UserByIdFunction": [
            "bundle/switchyard.json",
            "bundle/users_by_id.cwasm",
            "bundle/users_by_id.wasm",
        ],
    }.items():
        built = sam / "micro-functions" / layout
        got = sorted(str(p.relative_to(built)) for p in built.rglob("*") if p.is_file())
        r.check(f"sam build {layout}: {', '.join(files)}", got == sorted(files), json.dumps(got))


# ---------------------------------------------------------------------------------------------
# A team's own project: docs/deploying.md's "Your own project", as a new user runs it
# ---------------------------------------------------------------------------------------------

PROJECT = "hello-api"


def run_logged(r: Results, name: str, argv: list[str], cwd: Path, env: dict, timeout: int,
               stdin: str | None = None) -> subprocess.CompletedProcess | None:
    """Runs a step of the project's flow; a failure is reported with its output's tail."""
    done = subprocess.run(argv, cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout)
    if not r.check(name, done.returncode == 0, (done.stdout[-1500:] + done.stderr[-3000:])):
        return None
    return done


def build_project(r: Results, args, venv_bin: Path, work: Path) -> tuple[Path, list[Path]] | None:
    """`switchyard new` in a directory outside the repository, then what its README says:
    `switchyard build`, `switchyard invoke` on each sample event, `make test`, `make package`,
    and `sam build` on its template. Returns the unpacked package and the sample events."""
    switchyard = Path(args.switchyard).resolve()
    scratch = Path(tempfile.mkdtemp(prefix="switchyard-project-"))
    project = scratch / PROJECT
    env = {
        **os.environ,
        "PATH": f"{switchyard.parent}:{venv_bin}:{os.environ.get('PATH', '')}",
        # Dependencies build once per machine (the integration tests' scaffolds share it);
        # `switchyard package` builds the host in its own source's target directory.
        "CARGO_TARGET_DIR": str(REPO / "target" / "scaffold"),
        "SAM_CLI_TELEMETRY": "0",
    }
    try:
        if not run_logged(r, "new: scaffolds a project", [str(switchyard), "new", PROJECT, "--path", str(REPO)],
                          scratch, env, 60):
            return None
        manifest = (project / "Cargo.toml").read_text()
        paths = re.findall(r'path = "([^"]*)"', manifest)
        r.check("new: Switchyard is a relative path dependency, not this machine's absolute path",
                len(paths) == 2 and not any(p.startswith("/") for p in paths), manifest)
        files = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
        expected = [".gitignore", "Cargo.toml", "Makefile", "README.md", "events/function-url-get.json",
                    "events/get.json", "events/post.json", "samconfig.toml", "src/lib.rs",
                    "switchyard.json", "template.yaml", "tests/handlers.rs"]
        r.check("new: the project's files", files == expected, json.dumps(files))
        # The versions this repository is tested with, rather than whatever is newest today.
        shutil.copy(REPO / "Cargo.lock", project / "Cargo.lock")

        if not run_logged(r, "switchyard build", [str(switchyard), "build"], project, env, 900):
            return None
        events = sorted((project / "events").glob("*.json"))
        for event in events:
            done = run_logged(r, f"switchyard invoke --bundle target/bundle events/{event.name}",
                              [str(switchyard), "invoke", "--bundle", "target/bundle",
                               f"events/{event.name}"], project, env, 60)
            if done:
                answer = json.loads(done.stdout)
                r.check(f"events/{event.name}: answered 200 or 201", answer.get("statusCode") in (200, 201),
                        done.stdout[:300])
        done = run_logged(r, "make test: the generated tests through the real host", ["make", "test"],
                          project, env, 1800)
        if done:
            passed = re.findall(r"test result: ok\. (\d+) passed", done.stdout)
            r.check("make test: the unit test and the five handler tests ran",
                    sorted(int(n) for n in passed if n != "0") == [1, 5], json.dumps(passed))

        done = run_logged(r, "make package: switchyard package", ["make", "package"], project, env, 1800)
        if not done:
            return None
        # The path `switchyard package` prints (make's own lines may come around it).
        printed = [line for line in done.stdout.splitlines() if line.endswith(".zip")]
        zip_path = Path(printed[-1] if printed else "no zip printed")
        if not zip_path.is_absolute():
            zip_path = project / zip_path
        r.check("make package: the zip is named after the project",
                zip_path.name == f"{PROJECT}.zip" and zip_path.is_file(), str(zip_path))
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
        r.check("package: bootstrap and the project's precompiled bundle",
                names == ["bootstrap", "bundle/hello_api.wasm", "bundle/switchyard.json",
                          "bundle/hello_api.cwasm"], json.dumps(names))
        unpacked = work / "project-package"
        unpack(zip_path, unpacked)

        sam_dir = work / "project-sam"
        if run_logged(r, "sam build on the project's template (its samconfig.toml builds in source)",
                      [str(venv_bin / "sam"), "build", "--build-dir", str(sam_dir),
                       "--cache-dir", str(work / "project-sam-cache")], project, env, 1800):
            built = sorted(str(p.relative_to(sam_dir / "ApiFunction"))
                           for p in (sam_dir / "ApiFunction").rglob("*") if p.is_file())
            r.check("sam build ApiFunction: the same files as the package", built == sorted(names),
                    json.dumps(built))
        source = templates.load(project / "template.yaml")
        cfn = templates.translate(source)
        out = work / "project.cfn.json"
        out.write_text(json.dumps(cfn, indent=2))
        code, text = templates.cfn_lint(out)
        r.check("project template.yaml: translated and cfn-lint clean", code == 0, text)
        code, text = templates.cfn_lint(project / "template.yaml")
        r.check("project template.yaml: cfn-lint on the SAM template", code == 0, text)
        kept = work / "project-events"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(project / "events", kept)
        return unpacked, sorted(kept.glob("*.json"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_project(r, emulator, unpacked: Path, events: list[Path]) -> None:
    """The project's package, through the Runtime API: each sample event answers as through
    `switchyard invoke` of the same bootstrap."""
    for event in events:
        done = subprocess.run(
            [str(unpacked / "bootstrap"), "invoke", "--bundle", str(unpacked / "bundle"), str(event)],
            capture_output=True, text=True, timeout=60,
            env={k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))},
        )
        want = json.loads(done.stdout) if done.returncode == 0 else None
        got = invoke(emulator, PROJECT, json.loads(event.read_text()))
        r.check(f"{PROJECT}: events/{event.name} through the Runtime API answers {got.get('statusCode')}, "
                "as `bootstrap invoke` does",
                want is not None and got == want and got.get("statusCode") in (200, 201),
                f"{json.dumps(got)[:300]} != {json.dumps(want)[:300]}")


def check_runtime(r: Results, args, venv_bin: Path, work: Path, unpacked: Path,
                  project: tuple[Path, list[Path]] | None) -> None:
    events = Events(Path(args.events))
    sam = Path(args.sam_builds).resolve()
    emulator = Emulator(venv_bin, work, ["todos", CONCURRENT, "users", "users-by-id", PROJECT])
    relay = DeadlineRelay(emulator.port)
    # The concurrent bootstrap's own relay, to count its connections.
    concurrent_relay = DeadlineRelay(emulator.port)
    procs: list[Bootstrap] = []
    try:
        todos = Bootstrap(unpacked / "bootstrap", "todos", relay, work)
        procs.append(todos)
        run_todos(r, emulator, todos, events, unpacked)
        concurrent = Bootstrap(
            unpacked / "bootstrap",
            CONCURRENT,
            concurrent_relay,
            work,
            extra_env={"AWS_LAMBDA_MAX_CONCURRENCY": str(CONCURRENCY)},
        )
        procs.append(concurrent)
        r.run("concurrent invocations", lambda: run_concurrent(r, emulator, concurrent, concurrent_relay, events))
        # The micro-functions: the layer's bootstrap, each function's own bundle.
        micro = sam / "micro-functions"
        layer_bootstrap = micro / "HostLayer" / "bootstrap"
        users = Bootstrap(
            layer_bootstrap, "users", relay, work, micro / "UsersFunction" / "bundle"
        )
        by_id = Bootstrap(
            layer_bootstrap, "users-by-id", relay, work, micro / "UserByIdFunction" / "bundle"
        )
        procs += [users, by_id]
        run_micro(r, emulator, events)
        if project is not None:
            project_unpacked, project_events = project
            procs.append(Bootstrap(project_unpacked / "bootstrap", PROJECT, relay, work))
            run_project(r, emulator, project_unpacked, project_events)
        else:
            r.check(f"{PROJECT}: the project was packaged", False, "see the project steps above")
        for proc in procs:
            r.check(f"{proc.function}: still running after all invocations", proc.alive())
            fell_back = [
                line.get("message", "")
                for line in proc.log_lines()
                if "compiling" in str(line.get("message", "")).lower()
            ]
            r.check(
                f"{proc.function}: loaded the precompiled bundle (no compile at cold start)",
                not fell_back,
                "; ".join(fell_back),
            )
            # The host warns when an invocation arrives past its deadline: here, a bootstrap
            # talking to the emulator around the relay (each call then gets one epoch tick).
            late = [
                str(line.get("message", ""))
                for line in proc.log_lines()
                if str(line.get("message", "")).startswith("the invocation arrived")
            ]
            r.check(
                f"{proc.function}: every invocation arrived with time left (through the deadline relay)",
                not late,
                "; ".join(late[:2]),
            )
        errors = [status for status in INVOKE_STATUSES if status != 200]
        r.check(
            f"all {len(INVOKE_STATUSES)} invocations were responses, none an invocation error",
            bool(INVOKE_STATUSES) and not errors,
            json.dumps(errors),
        )
    finally:
        for proc in procs:
            proc.close()
        relay.close()
        concurrent_relay.close()
        emulator.close()
        for proc in procs:
            print(f"--- {proc.log_path.name} (last lines)")
            print("\n".join(proc.log_path.read_text().splitlines()[-5:]))


def run_todos(r, emulator, todos, events, unpacked) -> None:
    ev = events
    created: dict[str, int] = {}

    # Cold start: the first invocation waits for the bootstrap to load the bundle.
    def first() -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if not todos.alive():
                raise RuntimeError(f"bootstrap exited with {todos.proc.returncode}")
            try:
                resp = invoke(emulator, "todos", ev.rest("GET", "/todos/1"))
                break
            except (urllib.error.URLError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        r.check(
            "REST v1 GET /todos/1 → 200 with todo 1",
            resp.get("statusCode") == 200 and body_json(resp)["todo"]["id"] == 1,
            json.dumps(resp)[:300],
        )
        r.check(
            "REST v1 answer has the REST shape (multiValueHeaders, JSON content type)",
            "multiValueHeaders" in resp
            and (header(resp, "content-type") or "").startswith("application/json"),
            json.dumps(resp)[:300],
        )

    r.run("cold start", first)

    def sources() -> None:
        resp = invoke(emulator, "todos", ev.http_api("GET", "/todos", {"limit": "2"}))
        got = body_json(resp)
        r.check(
            "HTTP API v2 GET /todos?limit=2 → 200 with 2 todos",
            resp.get("statusCode") == 200 and len(got["todos"]) == 2,
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "todos", ev.alb("GET", "/todos/999"))
        r.check(
            "ALB GET /todos/999 → 404 with the error body",
            resp.get("statusCode") == 404
            and body_json(resp) == {"statusCode": 404, "message": "todo 999 not found"},
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "todos", ev.lattice("POST", "/todos", body={"title": "ship it"}))
        todo = body_json(resp)
        r.check(
            "VPC Lattice v2 POST /todos → 201 with the new todo",
            resp.get("statusCode") == 201 and todo["title"] == "ship it",
            json.dumps(resp)[:300],
        )
        new_id = created["id"] = todo["id"]
        resp = invoke(emulator, "todos", ev.function_url("GET", f"/todos/{new_id}"))
        r.check(
            "Function URL GET /todos/<new> → 200: the warm instance kept its state",
            resp.get("statusCode") == 200 and body_json(resp)["todo"]["title"] == "ship it",
            json.dumps(resp)[:300],
        )
        resp = invoke(
            emulator,
            "todos",
            ev.rest("POST", "/todos", body={"title": "binary body"}, b64=True),
        )
        r.check(
            "REST v1 POST /todos with a base64 body → 201",
            resp.get("statusCode") == 201 and body_json(resp)["title"] == "binary body",
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "todos", ev.http_api("GET", "/no/such/route"))
        r.check(
            "HTTP API v2 GET of an unknown path → Powertools' 404",
            resp.get("statusCode") == 404
            and body_json(resp) == {"statusCode": 404, "message": "Not found"},
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "todos", ev.http_api("GET", "/"))
        r.check(
            "HTTP API v2 GET / → the API's routes",
            resp.get("statusCode") == 200 and "GET /todos/<todo_id>" in body_json(resp)["routes"],
            json.dumps(resp)[:300],
        )

    r.run("event sources", sources)

    def panic() -> None:
        resp = invoke(emulator, "todos", ev.rest("GET", "/panic"))
        r.check(
            "guest panic → HTTP 500 response",
            resp.get("statusCode") == 500
            and body_json(resp) == {"statusCode": 500, "message": "Internal Server Error"},
            json.dumps(resp)[:300],
        )
        r.check(
            "guest panic was reported as a response, not an invocation error",
            INVOKE_STATUSES[-1] == 200,
            str(INVOKE_STATUSES[-1]),
        )
        r.check("bootstrap survives the panic", todos.alive())
        resp = invoke(emulator, "todos", ev.rest("GET", "/todos/1"))
        r.check(
            "next invocation after the panic → 200",
            resp.get("statusCode") == 200 and body_json(resp)["todo"]["id"] == 1,
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "todos", ev.function_url("GET", f"/todos/{created.get('id')}"))
        r.check(
            "the trapped instance was discarded: its created todo is gone (404)",
            resp.get("statusCode") == 404,
            json.dumps(resp)[:300],
        )

    r.run("panic", panic)

    def not_http() -> None:
        resp = invoke(emulator, "todos", {"hello": "not an HTTP event"})
        r.check(
            "an event of no HTTP source → an HTTP error response, not an invocation error",
            isinstance(resp.get("statusCode"), int)
            and resp["statusCode"] >= 400
            and INVOKE_STATUSES[-1] == 200,
            json.dumps(resp)[:300],
        )

    r.run("not an HTTP event", not_http)

    def samples() -> None:
        # Every shared sample event, through the Runtime API, answers exactly what the same
        # binary answers through `switchyard invoke` (the CLI path of the same pipeline).
        files = sorted(ev.dir.glob("*.json"))
        lines = "".join(json.dumps(json.loads(f.read_text())) + "\n" for f in files)
        done = subprocess.run(
            [
                str(unpacked / "bootstrap"),
                "invoke",
                "--bundle",
                str(unpacked / "bundle"),
                "--jsonl",
                "-",
            ],
            input=lines,
            capture_output=True,
            text=True,
            timeout=120,
            env={k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))},
        )
        expected = [json.loads(line) for line in done.stdout.splitlines()]
        if not r.check(
            "`bootstrap invoke` answers every sample",
            len(expected) == len(files),
            done.stderr[-500:],
        ):
            return
        mismatched = []
        for f, want in zip(files, expected):
            got = invoke(emulator, "todos", json.loads(f.read_text()))
            if got != want or not isinstance(got.get("statusCode"), int):
                mismatched.append(f"{f.name}: {json.dumps(got)[:200]} != {json.dumps(want)[:200]}")
        r.check(
            f"{len(files)} sample events (REST, HTTP API, ALB, Function URL, Lattice v1/v2) "
            "answer through the Runtime API as through the CLI",
            not mismatched,
            "\n".join(mismatched),
        )

    r.run("sample events", samples)

    def function_url_http() -> None:
        status, headers, body = url_request(emulator, "todos", "GET", "/todos/2")
        r.check(
            "Function URL front-end: GET /todos/2 → HTTP 200 JSON",
            status == 200 and json.loads(body)["todo"]["id"] == 2,
            f"{status} {body[:200]!r}",
        )
        status, _, body = url_request(
            emulator, "todos", "POST", "/todos", b'{"title": "over http"}'
        )
        r.check(
            "Function URL front-end: POST /todos → HTTP 201",
            status == 201 and json.loads(body)["title"] == "over http",
            f"{status} {body[:200]!r}",
        )
        status, _, body = url_request(emulator, "todos", "GET", "/panic")
        r.check(
            "Function URL front-end: panic → HTTP 500", status == 500, f"{status} {body[:200]!r}"
        )
        status, _, body = url_request(emulator, "todos", "GET", "/todos/3")
        r.check(
            "Function URL front-end: next request → HTTP 200",
            status == 200 and json.loads(body)["todo"]["id"] == 3,
            f"{status} {body[:200]!r}",
        )

    r.run("function url", function_url_http)


# The packaged bootstrap again, as Lambda Managed Instances run it: CONCURRENCY invocations
# at once in one execution environment.
CONCURRENT = "todos-concurrent"
CONCURRENCY = 4


def run_concurrent(r, emulator, bootstrap: Bootstrap, relay: DeadlineRelay, events) -> None:
    """With AWS_LAMBDA_MAX_CONCURRENCY, the bootstrap polls `next` from that many workers at
    once (as many connections held open to the Runtime API), answers a burst of concurrent
    invocations each with its own todo, and logs each with its own request id."""
    ev = events
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if not bootstrap.alive():
            raise RuntimeError(f"bootstrap exited with {bootstrap.proc.returncode}")
        try:
            invoke(emulator, CONCURRENT, ev.rest("GET", "/todos/1"))
            break
        except (urllib.error.URLError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    burst = 24
    answers: dict[int, object] = {}

    def call(i: int) -> None:
        todo = i % 3 + 1
        try:
            answers[i] = (todo, invoke(emulator, CONCURRENT, ev.rest("GET", f"/todos/{todo}")))
        except Exception as err:  # noqa: BLE001 - reported below
            answers[i] = (todo, err)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(INVOKE_TIMEOUT * 2)
    wrong = [
        f"{todo}: {str(resp)[:120]}"
        for todo, resp in answers.values()
        if not (isinstance(resp, dict) and resp.get("statusCode") == 200
                and body_json(resp)["todo"]["id"] == todo)
    ]
    r.check(
        f"{CONCURRENT}: {burst} concurrent invocations each answered with its own todo",
        len(answers) == burst and not wrong,
        "; ".join(wrong[:3]),
    )
    r.check(
        f"{CONCURRENT}: polled with {CONCURRENCY} connections to the Runtime API at once",
        relay.peak >= CONCURRENCY,
        f"at most {relay.peak} at once",
    )
    ids = [
        line.get("function_request_id")
        for line in bootstrap.log_lines()
        if str(line.get("message", "")).startswith("GET /todos/")
    ]
    r.check(
        f"{CONCURRENT}: each invocation's access line carries its own request id",
        len(ids) == burst + 1 and len(set(ids)) == len(ids) and None not in ids,
        json.dumps(ids[:4]),
    )


def run_micro(r, emulator, events) -> None:
    ev = events

    def users() -> None:
        deadline = time.monotonic() + START_TIMEOUT
        resp = None
        while resp is None:
            try:
                resp = invoke(emulator, "users", ev.rest("GET", "/users", resource="/users"))
            except (urllib.error.URLError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        r.check(
            "micro users: GET /users → 200 with 3 users",
            resp.get("statusCode") == 200 and len(body_json(resp)["users"]) == 3,
            json.dumps(resp)[:300],
        )
        resp = invoke(
            emulator,
            "users",
            ev.rest("POST", "/users", body={"name": "Barbara"}, resource="/users"),
        )
        r.check(
            "micro users: POST /users → 201",
            resp.get("statusCode") == 201 and body_json(resp) == {"id": "4", "name": "Barbara"},
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "users", ev.rest("GET", "/users/1", resource="/users"))
        r.check(
            "micro users: /users/1 is not this function's route (404)",
            resp.get("statusCode") == 404,
            json.dumps(resp)[:300],
        )

    r.run("micro users", users)

    def by_id() -> None:
        resource = "/users/{id+}"
        resp = invoke(emulator, "users-by-id", ev.rest("GET", "/users/2", resource=resource))
        r.check(
            "micro users-by-id: GET /users/2 → 200 Grace",
            resp.get("statusCode") == 200 and body_json(resp)["user"]["name"] == "Grace",
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "users-by-id", ev.http_api("DELETE", "/users/1"))
        r.check(
            "micro users-by-id: DELETE /users/1 → 204",
            resp.get("statusCode") == 204,
            json.dumps(resp)[:300],
        )
        resp = invoke(emulator, "users-by-id", ev.rest("GET", "/users/1", resource=resource))
        r.check(
            "micro users-by-id: GET /users/1 after the delete → 404",
            resp.get("statusCode") == 404,
            json.dumps(resp)[:300],
        )

    r.run("micro users-by-id", by_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", required=True, help="target/lambda/switchyard.zip")
    parser.add_argument(
        "--sam-builds",
        required=True,
        help="the `sam build` directories: <dir>/template and <dir>/micro-functions",
    )
    parser.add_argument("--events", required=True, help="the shared sample events")
    parser.add_argument("--work", required=True, help="a scratch directory")
    parser.add_argument("--switchyard", required=True, help="the dev host: target/debug/switchyard")
    args = parser.parse_args()

    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    venv_bin = Path(sys.executable).parent
    r = Results()
    unpacked = work / "package"

    print("== templates")
    r.run("templates", lambda: check_templates(r, work))
    print("== package")
    r.run("package", lambda: check_package(r, Path(args.zip), Path(args.sam_builds), unpacked))
    print("== a project of its own")
    project = None

    def project_steps() -> None:
        nonlocal project
        project = build_project(r, args, venv_bin, work)

    r.run("project", project_steps)
    print("== Runtime API")
    if (unpacked / "bootstrap").is_file():
        r.run("runtime", lambda: check_runtime(r, args, venv_bin, work, unpacked, project))
    else:
        r.check("Runtime API tests", False, "no bootstrap unpacked from the zip")

    print(f"{r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
