# Switchyard: `make run` serves the todos example, `make test` runs every check.
# Both install what they need (the wasm32-wasip2 target) on a fresh machine.

CARGO ?= cargo
WASM_TARGET := wasm32-wasip2
# Guest crates built for wasm32-wasip2: the examples, and the tests' own guests
# (tests/guests/NAME). Each `switchyard*.json` beside a guest becomes a bundle:
# `switchyard.json` is bundle NAME, `switchyard-X.json` is bundle NAME-X.
EXAMPLES := todos conformance-todos conformance-validated
TEST_GUESTS := features
BUNDLES := target/bundles
HOST := target/debug/switchyard
SHARED := ../shared

.PHONY: setup guests host bundles test unit conformance lint run clean

setup:
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

guests: setup
	$(CARGO) build --release --target $(WASM_TARGET) $(addprefix -p ,$(EXAMPLES) $(TEST_GUESTS))

host:
	$(CARGO) build -p switchyard

# Copy each guest's manifests and component into its bundles, then precompile them.
bundles: guests host
	@set -e; for dir in $(addprefix examples/,$(EXAMPLES)) $(addprefix tests/guests/,$(TEST_GUESTS)); do \
	  name=$$(basename $$dir); \
	  for manifest in $$dir/switchyard*.json; do \
	    suffix=$$(basename $$manifest .json | sed 's/^switchyard//'); \
	    out=$(BUNDLES)/$$name$$suffix; mkdir -p $$out; \
	    cp $$manifest $$out/switchyard.json; \
	    cp target/$(WASM_TARGET)/release/$$(echo $$name | tr - _).wasm $$out/; \
	    $(HOST) compile --bundle $$out; \
	  done; \
	done

test: lint bundles unit conformance

unit: bundles
	$(CARGO) test --workspace

# The shared suite's own comparer over the todos and validated cases.
conformance: bundles
	@mkdir -p target/conformance
	@set -e; for app in todos validated; do \
	  python3 tests/conformance/split_cases.py $(SHARED)/conformance/cases.json $$app target/conformance; \
	  $(HOST) invoke --bundle $(BUNDLES)/conformance-$$app --jsonl target/conformance/$$app-events.jsonl \
	    > target/conformance/$$app-actual.jsonl; \
	  echo "$$app:"; \
	  python3 $(SHARED)/conformance/compare.py target/conformance/$$app-cases.json target/conformance/$$app-actual.jsonl; \
	done

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Until the dev server lands: answer the shared sample events with the todos example.
run: bundles
	@for f in $(SHARED)/conformance/events/*.json; do \
	  printf '%s -> ' "$$(basename $$f)"; $(HOST) invoke --bundle $(BUNDLES)/todos $$f; \
	done

clean:
	$(CARGO) clean
