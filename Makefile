# Switchyard: `make run` serves the todos example, `make test` runs every check.
# Both install what they need (the wasm32-wasip2 target) on a fresh machine.

CARGO ?= cargo
WASM_TARGET := wasm32-wasip2
# Guest crates built for wasm32-wasip2: the examples, and the tests' own guests
# (tests/guests/NAME). Each `switchyard*.json` beside a guest becomes a bundle:
# `switchyard.json` is bundle NAME, `switchyard-X.json` is bundle NAME-X, built by
# `switchyard build` (host/src/project: the one way every guest is built, for `switchyard
# build`, `watch`, `package` and `switchyard::testing`). A bundle gets every component its
# manifest names (`"file"`). A directory without a Cargo.toml holds one crate per component,
# DIR/PART, whose package is NAME-PART (examples/split-router/todos is `split-router-todos`,
# built as split_router_todos.wasm), built by the workspace above it.
EXAMPLES := todos conformance-todos conformance-validated split-router outbound-http routers parameters
TEST_GUESTS := features debug-app sandbox routes50 alb-options serializer-router
GUEST_DIRS := $(addprefix examples/,$(EXAMPLES)) $(addprefix tests/guests/,$(TEST_GUESTS))
BUNDLES := target/bundles
HOST := target/debug/switchyard
SHARED := ../shared

.PHONY: setup host bundles test unit conformance openapi-check chromium lint run watch bench fuzz fuzz-diff clean

# AWS Lambda: SAM's build-<LogicalId> targets, `make package`, `make deploy-test`.
include deploy/deploy.mk

setup:
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

host:
	$(CARGO) build -p switchyard

# Swagger UI's assets, from the npm registry (pinned), embedded in every bundle's page.
SWAGGER_UI_VERSION := 5.35.0
SWAGGER_UI := target/swagger-ui
$(SWAGGER_UI)/.version-$(SWAGGER_UI_VERSION):
	@rm -rf $(SWAGGER_UI) target/swagger-ui-pkg; mkdir -p $(SWAGGER_UI) target/swagger-ui-pkg
	cd target/swagger-ui-pkg && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) >/dev/null && tar xzf swagger-ui-dist-*.tgz
	cp target/swagger-ui-pkg/package/swagger-ui-bundle.js target/swagger-ui-pkg/package/swagger-ui.css \
	  target/swagger-ui-pkg/package/oauth2-redirect.js $(SWAGGER_UI)/
	@touch $@

# Each bundle by `switchyard build`: its components built for release (one codegen unit and
# link-time optimisation, as in the Lambda package), copied in and precompiled when they
# changed, the bundle loaded to check it; Swagger UI's assets beside it. $(call
# build-bundles,FLAGS) builds every bundle; `make watch` passes --dev.
build-bundles = set -e; for dir in $(GUEST_DIRS); do \
	  for manifest in $$dir/switchyard*.json; do \
	    out=$(BUNDLES)/$$(basename $$dir)$$(basename $$manifest .json | sed 's/^switchyard//'); \
	    mkdir -p $$out/swagger-ui; cp $(SWAGGER_UI)/*.* $$out/swagger-ui/; \
	    $(HOST) build $(1) --dir $$dir --manifest $$manifest --out $$out >/dev/null; \
	  done; \
	done

bundles: setup host $(SWAGGER_UI)/.version-$(SWAGGER_UI_VERSION)
	@$(call build-bundles,)

test: lint bundles unit conformance openapi-check deploy-test

# The SDK again without its `schemas` feature (extractors taking types with no JsonSchema).
unit: bundles
	$(CARGO) test --workspace
	$(CARGO) test -p switchyard-sdk --no-default-features --features talc --lib

# The shared suite's comparer over four sets of todos and validated cases: the shared suite's
# own, then three that Powertools answered (tests/conformance/differential/): differential
# runs, their mutated events, and the events of an audit of queries and headers; then the
# example apps whose Powertools twins recorded their answers (tests/conformance/*/record.py).
CONFORMANCE_SUITES := shared:$(SHARED)/conformance/cases.json recorded:tests/conformance/differential/cases.json \
  mutations:tests/conformance/differential/mutations.json audit:tests/conformance/differential/audit.json
conformance: bundles
	@set -e; failed=; for suite in $(CONFORMANCE_SUITES); do \
	  name=$${suite%%:*}; cases=$${suite#*:}; out=target/conformance/$$name; mkdir -p $$out; \
	  for app in todos validated; do \
	    python3 tests/conformance/split_cases.py $$cases $$app $$out; \
	    SWITCHYARD_LOG_LEVEL=error $(HOST) invoke --bundle $(BUNDLES)/conformance-$$app --jsonl $$out/$$app-events.jsonl \
	      > $$out/$$app-actual.jsonl; \
	    echo "$$app ($$name cases):"; \
	    python3 $(SHARED)/conformance/compare.py $$out/$$app-cases.json $$out/$$app-actual.jsonl || failed=1; \
	  done; \
	done; \
	[ -z "$$failed" ]
	@echo "apps recorded from their Powertools twins (routers, parameters, typed events):"
	$(CARGO) test -p switchyard-tests --test all -- routers:: parameters:: typed_events::

# The generated OpenAPI document: valid 3.1 (openapi-spec-validator, in a venv made here) and
# the same API as Powertools'; Swagger UI rendered by headless Chromium (Debian's package).
OPENAPI_VENV := target/venv-openapi
$(OPENAPI_VENV)/.ready:
	python3 -m venv $(OPENAPI_VENV)
	$(OPENAPI_VENV)/bin/pip install --quiet openapi-spec-validator
	@touch $@

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

openapi-check: bundles $(OPENAPI_VENV)/.ready chromium
	@mkdir -p target/conformance
	$(HOST) openapi --bundle $(BUNDLES)/conformance-validated > target/conformance/openapi-validated.json
	$(OPENAPI_VENV)/bin/python tests/openapi/check_openapi.py target/conformance/openapi-validated.json \
	  $(SHARED)/conformance/openapi-validated.json
	python3 tests/openapi/swagger_browser.py $(HOST) $(BUNDLES)/conformance-validated-swagger
	python3 tests/openapi/swagger_browser.py $(HOST) $(BUNDLES)/features /docs
	python3 tests/openapi/swagger_browser.py $(HOST) $(BUNDLES)/parameters /swagger 2

# The fuzz crate is a workspace of its own (`make fuzz`): linted here too, so it keeps compiling.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p switchyard-sdk --no-default-features --features talc --all-targets -- -D warnings
	$(CARGO) clippy --manifest-path fuzz/Cargo.toml --target-dir target -- -D warnings

# `make fuzz`: coverage-guided fuzzing (libFuzzer, through cargo-fuzz, installed here) of the
# request path: any bytes as an event, answered by the conformance and features bundles, must
# give a readable Lambda response or a decode error, never a panic. Seeds are every conformance
# event; FUZZ_SECONDS bounds the run; a failing input lands in fuzz/artifacts/resolve/. The
# fuzz crate is a workspace of its own, built into target/fuzz; cargo-fuzz's instrumentation
# flags are unstable ones, which RUSTC_BOOTSTRAP lets the stable toolchain take.
FUZZ_SECONDS ?= 600
fuzz: bundles
	@command -v cargo-fuzz >/dev/null || $(CARGO) install --locked cargo-fuzz@0.13.2
	@mkdir -p target/fuzz
	python3 fuzz/seed.py fuzz/corpus/resolve target/fuzz/resolve.dict $(SHARED)/conformance/cases.json \
	  tests/conformance/differential/cases.json tests/conformance/differential/mutations.json \
	  tests/conformance/alb-decode/cases.json
	cd fuzz && RUSTC_BOOTSTRAP=1 SWITCHYARD_LOG_LEVEL=error $(CARGO) fuzz run --sanitizer none \
	  --target-dir ../target/fuzz resolve corpus/resolve -- -dict=../target/fuzz/resolve.dict \
	  -max_len=8192 -timeout=10 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1

# `make bench`: Switchyard, Powertools 3.37 (in a venv made here) and the lambda_http + axum
# peer on the same REST v1 events, in one run: warm resolve per route kind, the sandbox's price
# (native handler, fresh instances), cold start and peak RSS. The table, results.json,
# results.md and results.svg land in target/bench/; README's Performance section quotes them.
BENCH := target/bench
BENCH_VENV := target/venv-bench
BENCH_BUNDLES := conformance-todos conformance-validated routes50 routes50-fresh todos
$(BENCH_VENV)/.ready:
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet aws-lambda-powertools==3.37.0 pydantic
	@touch $@

bench: bundles $(BENCH_VENV)/.ready
	$(CARGO) build --release -p switchyard
	@rm -rf $(BENCH)/bundles; mkdir -p $(BENCH)/bundles/cold-start
	@set -e; for b in $(BENCH_BUNDLES); do \
	  cp -r $(BUNDLES)/$$b $(BENCH)/bundles/; target/release/switchyard compile --bundle $(BENCH)/bundles/$$b >/dev/null; \
	done
	cp benches/cold3.json $(BENCH)/bundles/cold-start/switchyard.json
	cp $(BUNDLES)/conformance-todos/conformance_todos.wasm $(BUNDLES)/routes50/routes50.wasm $(BENCH)/bundles/cold-start/
	target/release/switchyard compile --bundle $(BENCH)/bundles/cold-start >/dev/null
	python3 benches/events.py $(SHARED)/conformance/cases.json $(BENCH)/events.json
	SWITCHYARD_LOG_LEVEL=warn $(CARGO) bench -p switchyard --bench resolve
	$(CARGO) bench -p axum-peer --bench peer
	cd benches/powertools && CONFORMANCE_DIR=$(abspath $(SHARED)/conformance) \
	  $(abspath $(BENCH_VENV))/bin/python resolve.py $(abspath $(BENCH))/events.json $(abspath $(BENCH))/powertools.json
	python3 benches/cold_start.py $(BENCH) target/release/switchyard $(abspath $(BENCH_VENV))/bin/python
	python3 benches/report.py $(BENCH)

# The dev server on http://127.0.0.1:3000/ with the todos example, rebuilt and swapped in on
# every save (`switchyard watch`: the guest-dev profile, then a precompile). Only the todos
# bundle is built and precompiled, so a start with nothing changed takes seconds; `make
# watch` is for the test guests' bundles.
run: setup host
	$(HOST) watch --dir examples/todos --out $(BUNDLES)/todos

# Rebuild the bundles when a source changes, with the incremental `guest-dev` profile
# (`switchyard build --dev`, as `switchyard watch` builds): each bundle whose components
# changed is copied in through a temporary file and a rename, so a server never reads half a
# file, and precompiled, so a serving host swaps it in without compiling it too. A polling
# loop, so there is nothing to install. `make run` rebuilds the todos example by itself; this
# is for the other examples and the test guests' bundles.
WATCH_STAMP := target/.watch-stamp
watch: setup host $(SWAGGER_UI)/.version-$(SWAGGER_UI_VERSION)
	@echo "building the bundles with the guest-dev profile"
	@$(call build-bundles,--dev)
	@echo "watching examples/, tests/guests/, guest-sdk/ and wit/ (Ctrl-C stops)"
	@mkdir -p target; touch $(WATCH_STAMP); \
	while sleep 1; do \
	  changed=$$(find examples tests/guests guest-sdk wit \( -name '*.rs' -o -name '*.wit' \
	    -o -name Cargo.toml -o -name 'switchyard*.json' \) -newer $(WATCH_STAMP) -print -quit 2>/dev/null); \
	  [ -n "$$changed" ] || continue; \
	  touch $(WATCH_STAMP); echo "changed: $$changed"; \
	  ( $(call build-bundles,--dev) ) && echo "bundles updated" || echo "build failed; the bundles keep their last version"; \
	done

# `make fuzz-diff`: the fuzz corpus's events answered by Powertools 3.37 (in the bench venv)
# and by Switchyard, compared as `make conformance` compares: a report to read, as some
# differences are the documented ones (docs/powertools-differences.md).
fuzz-diff: bundles $(BENCH_VENV)/.ready
	python3 fuzz/corpus_cases.py fuzz/corpus/resolve target/fuzz/corpus-cases.json
	$(BENCH_VENV)/bin/python tests/conformance/differential/record.py target/fuzz/corpus-cases.json
	-@$(MAKE) --no-print-directory conformance CONFORMANCE_SUITES=corpus:target/fuzz/corpus-cases.json

clean:
	$(CARGO) clean
