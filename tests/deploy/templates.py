"""The SAM templates, checked offline: translated to CloudFormation by ``aws-sam-translator``
(the transform CloudFormation runs on deploy), then linted by ``cfn-lint``.

cfn-lint alone only checks a SAM template against SAM's schema: a bad ``Runtime``,
``Architectures`` or ``!GetAtt`` passes it. The translated template is plain CloudFormation,
which cfn-lint checks resource by resource.

Standalone: python tests/deploy/templates.py template.yaml deploy/micro-functions.yaml
(with the venv of deploy/requirements.txt).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# The translator builds ARNs for a region; it never calls AWS here.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
# It also records metrics for AWS's own service, and warns when nobody publishes them.
logging.getLogger("samtranslator.metrics").setLevel(logging.ERROR)

from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

# Where local code goes on `sam package`: the translator accepts only S3 locations.
PACKAGED_URI = "s3://switchyard-artifacts/{}.zip"
LOCAL_CODE = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}


class NoManagedPolicies:
    """The translator's IAM look-up of managed policy names, answered offline. The templates
    name no managed policy by its short name, so there is nothing to look up."""

    def load(self) -> dict[str, str]:
        return {}


def load(path: Path) -> dict:
    return yaml_parse(path.read_text())


def makefile_builds(template: dict) -> list[str]:
    """The logical ids SAM builds with `make build-<id>`."""
    return [
        name
        for name, resource in template.get("Resources", {}).items()
        if resource.get("Metadata", {}).get("BuildMethod") == "makefile"
    ]


def local_code_dirs(path: Path, template: dict) -> dict[str, Path]:
    """Each resource's local code directory (CodeUri / ContentUri), relative to the template."""
    dirs = {}
    for name, resource in template.get("Resources", {}).items():
        key = LOCAL_CODE.get(resource.get("Type"))
        uri = resource.get("Properties", {}).get(key) if key else None
        if isinstance(uri, str) and not uri.startswith("s3://"):
            dirs[name] = (path.parent / uri).resolve()
    return dirs


def as_packaged(template: dict) -> dict:
    """The template as `sam package` leaves it: local code replaced by S3 locations."""
    packaged = json.loads(json.dumps(template))
    for name, resource in packaged.get("Resources", {}).items():
        key = LOCAL_CODE.get(resource.get("Type"))
        if key and isinstance(resource.get("Properties", {}).get(key), str):
            resource["Properties"][key] = PACKAGED_URI.format(name)
    return packaged


def translate(template: dict) -> dict:
    """Runs the SAM transform (raises on an invalid template)."""
    return transform(as_packaged(template), {}, NoManagedPolicies())


def cfn_lint(path: Path) -> tuple[int, str]:
    """cfn-lint's exit code (0: no error, warning or note) and its output."""
    exe = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run(
        [str(exe), "--", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def main(argv: list[str]) -> int:
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in argv:
            path = Path(name)
            out = Path(tmp) / (path.stem + ".cfn.json")
            out.write_text(json.dumps(translate(load(path)), indent=2))
            for target in (path, out):
                code, text = cfn_lint(target)
                print(f"cfn-lint {target}: exit {code}\n{text}".rstrip())
                failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
