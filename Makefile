# Switchyard: `make run` serves the todos example, `make test` runs every check.
# Both install what they need (the wasm32-wasip2 target) on a fresh machine.

CARGO ?= cargo
WASM_TARGET := wasm32-wasip2
# Guest crates built for wasm32-wasip2, and the examples that become bundles.
EXAMPLES := todos conformance-todos
BUNDLES := target/bundles
HOST := target/debug/switchyard
SHARED := ../shared

.PHONY: setup guests host bundles test unit conformance lint run clean

setup:
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

guests: setup
	$(CARGO) build --release --target $(WASM_TARGET) $(addprefix -p ,$(EXAMPLES))

host:
	$(CARGO) build -p switchyard

# Each example's switchyard.json names its components; copy them beside it and precompile.
bundles: guests host
	@set -e; for ex in $(EXAMPLES); do \
	  out=$(BUNDLES)/$$ex; mkdir -p $$out; \
	  cp examples/$$ex/switchyard.json $$out/; \
	  cp target/$(WASM_TARGET)/release/$$(echo $$ex | tr - _).wasm $$out/; \
	  $(HOST) compile --bundle $$out; \
	done

test: lint bundles unit conformance

unit: bundles
	$(CARGO) test --workspace

# The shared suite's own comparer over the todos cases.
conformance: bundles
	@mkdir -p target/conformance
	python3 tests/conformance/split_cases.py $(SHARED)/conformance/cases.json todos target/conformance
	$(HOST) invoke --bundle $(BUNDLES)/conformance-todos --jsonl target/conformance/todos-events.jsonl \
	  > target/conformance/todos-actual.jsonl
	python3 $(SHARED)/conformance/compare.py target/conformance/todos-cases.json target/conformance/todos-actual.jsonl

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
