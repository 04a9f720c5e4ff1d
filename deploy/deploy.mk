# AWS Lambda packaging, included by the top Makefile (run everything from the repo top):
#
#   make build-<LogicalId>  what `sam build` runs for each function and layer of template.yaml
#                           and deploy/micro-functions.yaml (ARTIFACTS_DIR is set by SAM)
#   make package            target/lambda/switchyard.zip: `bootstrap` + `bundle/` (the todos
#                           example, precompiled), the same package as build-EventHandlerFunction
#   make deploy-test        `sam build` on both templates; the templates through the SAM
#                           translator and cfn-lint; then the packaged `bootstrap` and the
#                           micro-functions SAM built against a Lambda Runtime API emulator
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
LAMBDA_BIN := target/$(LAMBDA_TRIPLE)/release/switchyard
LAMBDA_OUT := target/lambda
LAMBDA_VENV := target/venv-deploy
LAMBDA_PYTHON := $(LAMBDA_VENV)/bin/python
# Building on Linux for this machine's own architecture, or cross-building (with zig, from
# PyPI: arm64 on x86_64 and the reverse, or any Lambda build on macOS).
LAMBDA_NATIVE := $(if $(filter Linux,$(shell uname -s)),$(filter $(LAMBDA_RUST_ARCH),$(shell uname -m)))
# What precompiles the bundles for the Lambda CPU: the Lambda host itself when it runs here;
# otherwise this machine's host built with every wasmtime backend.
LAMBDA_COMPILER := $(if $(LAMBDA_NATIVE),$(LAMBDA_BIN),$(LAMBDA_OUT)/switchyard-cross)
MICRO := deploy/micro-functions
GUEST_OUT := target/$(WASM_TARGET)/release

.PHONY: lambda-toolchain lambda-host lambda-compiler lambda-guests lambda-micro-guests \
	lambda-venv lambda-sam-builds package deploy-test \
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

# The host for Lambda, in release mode (the only release build of the host).
ifneq ($(LAMBDA_NATIVE),)
lambda-host: lambda-toolchain
	CC_$(subst -,_,$(LAMBDA_TRIPLE))=musl-gcc $(CARGO) build --release --target $(LAMBDA_TRIPLE) -p switchyard
else
lambda-host: lambda-toolchain lambda-venv
	PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" $(LAMBDA_VENV)/bin/cargo-zigbuild zigbuild --release --target $(LAMBDA_TRIPLE) -p switchyard
endif

ifneq ($(LAMBDA_NATIVE),)
lambda-compiler: lambda-host
else
lambda-compiler:
	$(CARGO) build -p switchyard --features wasmtime/all-arch
	@mkdir -p $(LAMBDA_OUT)
	cp target/debug/switchyard $(LAMBDA_COMPILER)
endif

lambda-guests: setup
	$(call guest-build,todos)

lambda-micro-guests: setup
	$(CARGO) build $(GUEST_FLAGS) --manifest-path $(MICRO)/Cargo.toml --target-dir target

# $(call lambda-bundle,OUT,MANIFEST,WASM): OUT/bundle with the manifest, the component and its
# code precompiled for the Lambda CPU. The .wasm stays beside it: a host that cannot load the
# precompiled code (another wasmtime) compiles the component instead of failing.
define lambda-bundle
	@test -n "$(1)" || { echo "ARTIFACTS_DIR is not set: SAM sets it (or run make package)" >&2; exit 1; }
	rm -rf $(1)/bundle
	mkdir -p $(1)/bundle
	cp $(2) $(1)/bundle/switchyard.json
	cp $(3) $(1)/bundle/
	$(LAMBDA_COMPILER) compile --bundle $(1)/bundle --target $(LAMBDA_TRIPLE)
endef

# $(call lambda-bootstrap,OUT): the host as OUT/bootstrap, the entry point of provided.al2023.
define lambda-bootstrap
	@test -n "$(1)" || { echo "ARTIFACTS_DIR is not set: SAM sets it (or run make package)" >&2; exit 1; }
	mkdir -p $(1)
	cp $(LAMBDA_BIN) $(1)/bootstrap
	chmod 755 $(1)/bootstrap
endef

# template.yaml: the todos example behind API Gateway and a Function URL.
build-EventHandlerFunction: lambda-host lambda-compiler lambda-guests
	$(call lambda-bootstrap,$(ARTIFACTS_DIR))
	$(call lambda-bundle,$(ARTIFACTS_DIR),examples/todos/switchyard.json,$(GUEST_OUT)/todos.wasm)

# deploy/micro-functions.yaml: the host once, as a layer (/opt/bootstrap), and one bundle per
# function (/var/task/bundle).
build-HostLayer: lambda-host
	$(call lambda-bootstrap,$(ARTIFACTS_DIR))

build-UsersFunction: lambda-compiler lambda-micro-guests
	$(call lambda-bundle,$(ARTIFACTS_DIR),$(MICRO)/users/switchyard.json,$(GUEST_OUT)/users.wasm)

build-UserByIdFunction: lambda-compiler lambda-micro-guests
	$(call lambda-bundle,$(ARTIFACTS_DIR),$(MICRO)/users-by-id/switchyard.json,$(GUEST_OUT)/users_by_id.wasm)

# The zip `sam deploy` would upload for EventHandlerFunction, built without SAM.
package: lambda-host lambda-compiler lambda-guests
	rm -rf $(LAMBDA_OUT)/package $(LAMBDA_OUT)/switchyard.zip
	$(call lambda-bootstrap,$(LAMBDA_OUT)/package)
	$(call lambda-bundle,$(LAMBDA_OUT)/package,examples/todos/switchyard.json,$(GUEST_OUT)/todos.wasm)
	python3 deploy/zip_package.py $(LAMBDA_OUT)/package $(LAMBDA_OUT)/switchyard.zip

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
deploy-test: package lambda-sam-builds lambda-venv
	PYTHONDONTWRITEBYTECODE=1 $(LAMBDA_PYTHON) tests/deploy/deploy_check.py --zip $(LAMBDA_OUT)/switchyard.zip \
	  --sam-builds $(LAMBDA_OUT)/sam --events $(SHARED)/conformance/events --work $(LAMBDA_OUT)/test
