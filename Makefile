# The one entry point. Every target creates or reuses .venv/ with pinned versions.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

SPEC := openapi/juspay-customers.yaml
GEN_CONFIG := generator-config.yml
GEN_PKG := generated/juspay_customers_client
HAND_WRITTEN := wrapper mock tests benchmarks

.DEFAULT_GOAL := help
.PHONY: help install tools generate check-generated lint test demo

help:
	@echo "make demo             create -> get -> update against the bundled mock server"
	@echo "make test             lint, check-generated, then every test"
	@echo "make generate         regenerate $(GEN_PKG) from $(SPEC)"
	@echo "make check-generated  fail if $(GEN_PKG) is not what the spec produces"
	@echo "make lint             ruff, mypy --strict, spec validation"
	@echo "make mock [PORT=8080] [API_KEY=test_key]   serve the stateful mock on 127.0.0.1"
	@echo "make contract URL=http://host:port API_KEY=key   the contract suite against any server"
	@echo "make contract-deep    the contract suite with many more examples"
	@echo "make bench [BENCH_ARGS=--quick]   benchmarks; writes benchmarks/results.md"

# Pinned tools only: enough for generate and check-generated.
$(VENV)/.tools: requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The project itself, editable, on top of the tools.
$(VENV)/.installed: $(VENV)/.tools pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

tools: $(VENV)/.tools
install: $(VENV)/.installed

generate: $(VENV)/.tools
	openapi-python-client generate --path $(SPEC) --config $(GEN_CONFIG) --meta none \
		--output-path $(GEN_PKG) --overwrite --fail-on-warning

check-generated: $(VENV)/.tools
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	openapi-python-client generate --path $(SPEC) --config $(GEN_CONFIG) --meta none \
		--output-path "$$tmp/pkg" --fail-on-warning >/dev/null && \
	if diff -ru --exclude=__pycache__ $(GEN_PKG) "$$tmp/pkg"; then \
		echo "check-generated: $(GEN_PKG) matches $(SPEC)"; \
	else \
		echo "check-generated: $(GEN_PKG) differs from what $(SPEC) produces; run 'make generate'" >&2; \
		exit 1; \
	fi

lint: $(VENV)/.installed
	ruff check $(HAND_WRITTEN)
	ruff format --check $(HAND_WRITTEN)
	mypy wrapper mock
	openapi-spec-validator $(SPEC)

test: lint check-generated
	$(PY) -m pytest

# The Elixir Juspay.Customers page's examples through the facade, against an in-process mock.
demo: $(VENV)/.installed
	$(PY) examples/elixir_customers.py --mock

# --- Mock server (mock/juspay_mock): serve on 127.0.0.1 until Ctrl-C.
.PHONY: mock
mock: $(VENV)/.installed
	@juspay-mock --host 127.0.0.1 --port $(or $(PORT),8080) --api-key '$(or $(API_KEY),test_key)'

# --- Contract suite: schemathesis with schemathesis.toml and our checks (tests/contract/hooks.py).
.PHONY: contract contract-deep
CONTRACT_DEEP_EXAMPLES ?= 500

# Any server: make contract URL=http://127.0.0.1:8080 API_KEY=key [EXAMPLES=n]. The JUnit
# report goes to reports/contract-junit.xml. Recipes are silent so the key is never echoed.
contract: $(VENV)/.installed
	@test -n "$(URL)" && test -n "$(API_KEY)" || \
		{ echo "usage: make contract URL=http://host:port API_KEY=key [EXAMPLES=n]" >&2; exit 2; }
	@schemathesis run $(SPEC) --url '$(URL)' --auth '$(API_KEY):' \
		$(if $(EXAMPLES),--max-examples $(EXAMPLES))

# With URL and API_KEY: the CLI against that server. Without: the pytest suite (the bundled
# mock in process and over loopback, and the broken variants it must catch).
contract-deep: $(VENV)/.installed
ifdef URL
	@$(MAKE) --no-print-directory contract EXAMPLES=$(CONTRACT_DEEP_EXAMPLES)
else
	CONTRACT_MAX_EXAMPLES=$(CONTRACT_DEEP_EXAMPLES) $(PY) -m pytest tests/contract
endif

# --- Benchmarks (benchmarks/, not part of `make test`): ratios against baselines measured
# side by side, printed and written to benchmarks/results.md. Installs wrk (apt, as root) and
# Prism (npm, into the ignored benchmarks/.cache/) when it can; without wrk the load comes from
# a Python multi-process generator, without npm Prism is left out. BENCH_ARGS=--quick: small.
.PHONY: bench
PRISM_VERSION := 5.14.2
PRISM := benchmarks/.cache/node_modules/.bin/prism
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get install -y -qq wrk >/dev/null; } || echo "bench: no wrk; Python load generator"
	@[ "$$($(PRISM) --version 2>/dev/null)" = "$(PRISM_VERSION)" ] || \
		{ command -v npm >/dev/null && npm install --prefix benchmarks/.cache --no-audit \
		--no-fund --loglevel=error @stoplight/prism-cli@$(PRISM_VERSION); } || \
		echo "bench: no npm; Prism is left out"
	$(PY) -m benchmarks $(BENCH_ARGS)
