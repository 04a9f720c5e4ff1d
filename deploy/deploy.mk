# AWS Lambda packaging, included by the top Makefile (run everything from the repo top):
#
#   make build-<LogicalId>  what `sam build` runs for each function and layer of template.yaml
#                           and deploy/micro-functions.yaml (ARTIFACTS_DIR is set by SAM)
#   make package            target/lambda/switchyard.zip: `bootstrap` + `bundle/` (the todos
#                           example, precompiled), the same package as build-EventHandlerFunction
#   make deploy-test        `sam build` on both templates; the templates through the SAM
#                           translator and cfn-lint; a project made by `switchyard new` outside
#                           the repository, built, tested, packaged and `sam build`; then the
#                           packaged `bootstrap`s and the micro-functions SAM built against a
#                           Lambda Runtime API emulator
#
# Each target installs what it needs: the Rust musl target, Debian's musl-tools for the C parts
# of wasmtime's dependencies, and, for the tests or an arm64 build on an x86_64 machine, a
# Python venv (target/venv-deploy) with the pinned tools of deploy/requirements.txt.
#
# SAM does not tell make which architecture the template chose: set LAMBDA_ARCH to match the
# template's Architecture parameter (x86_64, the default, or arm64), e.g.
#   LAMBDA_ARCH=arm64 sam build --build-in-source --parameter-overrides Architecture=arm64

LAMBDA_ARCH ?= x86_64
ifeq ($(filter x86_64 arm64,$(LAMBDA_ARCH)),)
$(error LAMBDA_ARCH must be x86_64 or arm64, not `$(LAMBDA_ARCH)`)
endif
LAMBDA_RUST_ARCH := $(if $(filter arm64,$(LAMBDA_ARCH)),aarch64,x86_64)
# Static musl: runs on Amazon Linux 2023 whatever glibc the build machine has.
LAMBDA_TRIPLE := $(LAMBDA_RUST_ARCH)-unknown-linux-musl
LAMBDA_OUT := target/lambda
LAMBDA_VENV := target/venv-deploy
LAMBDA_PYTHON := $(LAMBDA_VENV)/bin/python
# Building on Linux for this machine's own architecture, or cross-building (with zig, from
# PyPI: arm64 on x86_64 and the reverse, or any Lambda build on macOS).
LAMBDA_NATIVE := $(if $(filter Linux,$(shell uname -s)),$(filter $(LAMBDA_RUST_ARCH),$(shell uname -m)))
# Every package is made by `switchyard package`, as a user's project is: it builds the host
# for the Lambda CPU and precompiles the bundle for it. On this machine's architecture the
# dev host does it; otherwise a dev host built with every wasmtime backend, with zig on PATH.
ifneq ($(LAMBDA_NATIVE),)
LAMBDA_PACKAGER := $(HOST)
PACKAGE := $(LAMBDA_PACKAGER) package --arch $(LAMBDA_ARCH)
else
LAMBDA_PACKAGER := $(LAMBDA_OUT)/switchyard-cross
PACKAGE := PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" $(LAMBDA_PACKAGER) package --arch $(LAMBDA_ARCH)
endif
MICRO := deploy/micro-functions

.PHONY: lambda-toolchain lambda-packager lambda-venv lambda-sam-builds package deploy-test \
	build-EventHandlerFunction build-HostLayer build-UsersFunction build-UserByIdFunction

lambda-toolchain:
	@rustup target list --installed 2>/dev/null | grep -qx $(LAMBDA_TRIPLE) || rustup target add $(LAMBDA_TRIPLE)
ifneq ($(LAMBDA_NATIVE),)
	@command -v musl-gcc >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y musl-tools; }
endif

lambda-venv: $(LAMBDA_VENV)/.installed
$(LAMBDA_VENV)/.installed: deploy/requirements.txt
	python3 -m venv $(LAMBDA_VENV)
	$(LAMBDA_PYTHON) -m pip install --quiet --disable-pip-version-check -r deploy/requirements.txt
	touch $@

ifneq ($(LAMBDA_NATIVE),)
lambda-packager: lambda-toolchain host setup
else
lambda-packager: lambda-toolchain lambda-venv setup
	$(CARGO) build -p switchyard --features wasmtime/all-arch
	@mkdir -p $(LAMBDA_OUT)
	cp target/debug/switchyard $(LAMBDA_PACKAGER)
endif

# template.yaml: the todos example behind API Gateway and a Function URL. SAM sets
# ARTIFACTS_DIR; `switchyard package --out-dir` refuses to run without one.
build-EventHandlerFunction: lambda-packager
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: SAM sets it (or run make package)" >&2; exit 1; }
	$(PACKAGE) --dir examples/todos --out-dir $(ARTIFACTS_DIR)

# deploy/micro-functions.yaml: the host once, as a layer (/opt/bootstrap), and one bundle per
# function (/var/task/bundle). The functions' crates build into this repository's target/.
build-HostLayer: lambda-packager
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: SAM sets it" >&2; exit 1; }
	$(PACKAGE) --only host --out-dir $(ARTIFACTS_DIR)

build-UsersFunction build-UserByIdFunction: build-%: lambda-packager
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: SAM sets it" >&2; exit 1; }
	CARGO_TARGET_DIR=$(CURDIR)/target $(PACKAGE) --only bundle --out-dir $(ARTIFACTS_DIR) \
	  --dir $(MICRO)/$(if $(filter UsersFunction,$*),users,users-by-id)

# The zip `sam deploy` would upload for EventHandlerFunction, built without SAM.
package: lambda-packager
	$(PACKAGE) --dir examples/todos --out $(LAMBDA_OUT)/switchyard.zip

# `sam build` on both templates, as a user runs it (offline: it only runs make), each into its
# own build directory: target/lambda/sam/<template>/<LogicalId>.
LAMBDA_SAM := SAM_CLI_TELEMETRY=0 $(LAMBDA_VENV)/bin/sam
lambda-sam-builds: lambda-venv
	rm -rf $(LAMBDA_OUT)/sam
	$(LAMBDA_SAM) build --build-in-source --template template.yaml \
	  --build-dir $(LAMBDA_OUT)/sam/template --cache-dir $(LAMBDA_OUT)/sam-cache
	$(LAMBDA_SAM) build --build-in-source --template deploy/micro-functions.yaml \
	  --build-dir $(LAMBDA_OUT)/sam/micro-functions --cache-dir $(LAMBDA_OUT)/sam-cache

# The Runtime API test runs the packaged bootstrap, so it needs this machine's architecture.
ifneq ($(filter deploy-test test,$(MAKECMDGOALS)),)
ifeq ($(LAMBDA_NATIVE),)
$(error deploy-test runs the bootstrap on this machine: leave LAMBDA_ARCH at its architecture)
endif
endif
deploy-test: package lambda-sam-builds lambda-venv host
	PYTHONDONTWRITEBYTECODE=1 $(LAMBDA_PYTHON) tests/deploy/deploy_check.py --zip $(LAMBDA_OUT)/switchyard.zip \
	  --switchyard $(HOST) \
	  --sam-builds $(LAMBDA_OUT)/sam --events $(SHARED)/conformance/events --work $(LAMBDA_OUT)/test
