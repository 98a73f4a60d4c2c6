# The one entry point. Every target creates or reuses .venv/ with pinned versions.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

SPEC := openapi/juspay-customers.yaml
GEN_CONFIG := generator-config.yml
GEN_PKG := generated/juspay_customers_client
# The facade's typed module: per-field facts from the spec (codegen/facade.py).
GEN_FACADE := wrapper/juspay_customers/_generated.py
HAND_WRITTEN := wrapper mock contract tests benchmarks codegen
# The second step's output formatted alone, so it depends only on the spec and pinned tools.
FORMAT_FACADE = ruff format --isolated --no-cache --line-length 100 --target-version py311

.DEFAULT_GOAL := help
.PHONY: help install tools generate check-generated lint test demo

help:
	@echo "make demo             create -> get -> update against the bundled mock server"
	@echo "make test             lint, check-generated, then every test"
	@echo "make generate         regenerate $(GEN_PKG) from $(SPEC)"
	@echo "make check-generated  fail if $(GEN_PKG) is not what the spec produces"
	@echo "make lint             ruff, mypy --strict, spec validation, basedpyright on a consumer"
	@echo "make mock [PORT=8080] [API_KEY=test_key] [STORE=url] [WORKERS=n]   serve the stateful mock"
	@echo "make redis-server     install Debian's redis-server when missing (as root, with apt)"
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
	$(PY) codegen/facade.py $(SPEC) $(GEN_FACADE)
	$(FORMAT_FACADE) --quiet $(GEN_FACADE)

check-generated: $(VENV)/.tools
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	openapi-python-client generate --path $(SPEC) --config $(GEN_CONFIG) --meta none \
		--output-path "$$tmp/pkg" --fail-on-warning >/dev/null && \
	$(PY) codegen/facade.py $(SPEC) "$$tmp/facade.py" && \
	$(FORMAT_FACADE) --quiet "$$tmp/facade.py" && \
	if diff -ru --exclude=__pycache__ $(GEN_PKG) "$$tmp/pkg" && \
		diff -u $(GEN_FACADE) "$$tmp/facade.py"; then \
		echo "check-generated: $(GEN_PKG) and $(GEN_FACADE) match $(SPEC)"; \
	else \
		echo "check-generated: $(GEN_PKG) or $(GEN_FACADE) differs from what $(SPEC) produces; run 'make generate'" >&2; \
		exit 1; \
	fi

lint: $(VENV)/.installed
	ruff check $(HAND_WRITTEN)
	ruff format --check $(HAND_WRITTEN)
	mypy wrapper mock contract codegen
	openapi-spec-validator $(SPEC)
	@# A merchant's view of the facade's types (tests/typing asserts the wrong lines too).
	mypy --strict tests/typing/consumer_ok.py
	basedpyright --pythonpath $(PY) -p tests/typing/pyrightconfig.json tests/typing/consumer_ok.py

test: lint check-generated redis-server
	$(PY) -m pytest

# The Elixir Juspay.Customers page's examples through the facade, against an in-process mock.
demo: $(VENV)/.installed
	$(PY) examples/elixir_customers.py --mock

# --- Mock server (mock/juspay_mock): serve on 127.0.0.1 until Ctrl-C.
# [STORE=memory|sqlite:///mock.db|redis://127.0.0.1:6379/0] [WORKERS=n] [ADMIN_TOKEN=t]
.PHONY: mock redis-server
# The key and the admin token go through the environment: `ps` shows a command line to everyone.
mock: export JUSPAY_MOCK_API_KEYS := $(or $(API_KEY),$(JUSPAY_MOCK_API_KEYS),test_key)
mock: export JUSPAY_MOCK_ADMIN_TOKEN := $(or $(ADMIN_TOKEN),$(JUSPAY_MOCK_ADMIN_TOKEN))
mock: export JUSPAY_MOCK_STORE := $(or $(STORE),$(JUSPAY_MOCK_STORE))
mock: $(VENV)/.installed
	@juspay-mock --host 127.0.0.1 --port $(or $(PORT),8080) $(if $(WORKERS),--workers $(WORKERS))

# Debian's redis-server, for --store redis:// and the tests of it (which start their own on a
# free loopback port): installed with apt when missing and run as root, as bench does for wrk;
# otherwise those tests skip, saying why.
redis-server:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -qq redis-server >/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null && apt-get install -y -qq redis-server >/dev/null; }; }; } || \
		echo "redis-server: not installed (needs root and apt); the Redis store's tests skip"

# --- Contract suite: `juspay-contract` (contract/juspay_contract), schemathesis with our checks.
.PHONY: contract contract-deep contract-prism
CONTRACT_DEEP_EXAMPLES ?= 500
REPORT_DIR ?= reports/contract

# Any server: make contract URL=http://127.0.0.1:8080 API_KEY=key [EXAMPLES=n] [REPORT_DIR=dir]
# [CONTRACT_ARGS="--fail-on-uncovered ..."]; JUSPAY_API_KEY in the environment does for API_KEY.
# The key reaches juspay-contract through its environment only: no recipe line or argument
# holds it, and recipes are silent. Writes coverage.md and junit.xml to REPORT_DIR.
contract: export JUSPAY_API_KEY := $(or $(API_KEY),$(JUSPAY_API_KEY))
contract: $(VENV)/.installed
	@test -n "$(URL)" && test -n "$$JUSPAY_API_KEY" || \
		{ echo "usage: make contract URL=http://host:port API_KEY=key [EXAMPLES=n]" >&2; exit 2; }
	@juspay-contract run --url '$(URL)' --report-dir '$(REPORT_DIR)' \
		$(if $(EXAMPLES),--max-examples $(EXAMPLES)) $(CONTRACT_ARGS)

# With URL and API_KEY: the CLI against that server. Without: the pytest suite (the bundled
# mock over loopback, the CLI's verdicts, and the broken variants it must catch).
contract-deep: $(VENV)/.installed
ifdef URL
	@$(MAKE) --no-print-directory contract EXAMPLES=$(CONTRACT_DEEP_EXAMPLES)
else
	CONTRACT_MAX_EXAMPLES=$(CONTRACT_DEEP_EXAMPLES) $(PY) -m pytest tests/contract
endif

# A worked example on a mock nobody here wrote (not part of `make test`): Stoplight Prism
# serving the spec (from npm, into the ignored benchmarks/.cache/ as for make bench) and
# juspay-contract against it, report in reports/prism/. Prism fails the suite (README, Contract
# tests): the target fails if the verdict is anything but findings (exit 1).
PRISM_PORT ?= 4010
contract-prism: export JUSPAY_API_KEY := prism-accepts-any-key
contract-prism: $(VENV)/.installed
	@[ "$$($(PRISM) --version 2>/dev/null)" = "$(PRISM_VERSION)" ] || npm install \
		--prefix benchmarks/.cache --no-audit --no-fund --loglevel=error \
		@stoplight/prism-cli@$(PRISM_VERSION)
	@mkdir -p reports/prism && \
	$(PRISM) mock $(SPEC) --host 127.0.0.1 --port $(PRISM_PORT) >reports/prism/prism.log 2>&1 & \
	prism=$$!; trap 'kill $$prism' EXIT; \
	for i in $$(seq 120); do $(PY) -c 'import socket, sys; \
		sys.exit(socket.socket().connect_ex(("127.0.0.1", $(PRISM_PORT))))' && break; \
		sleep 0.5; done; \
	juspay-contract run --url http://127.0.0.1:$(PRISM_PORT) --report-dir reports/prism \
		$(if $(EXAMPLES),--max-examples $(EXAMPLES)); status=$$?; \
	[ $$status -eq 1 ] || { echo "contract-prism: expected findings (exit 1), not exit $$status" >&2; \
		exit 1; }

# --- Benchmarks (benchmarks/, not part of `make test`): ratios against baselines measured
# side by side, printed and written to benchmarks/results.md. Installs wrk, redis-server and
# Java (apt, as root), Prism and WireMock standalone (npm, into the ignored benchmarks/.cache/)
# when it can; without wrk the load comes from a Python multi-process generator, and a missing
# Prism, Redis or WireMock (npm and java) is left out, its rows saying so. BENCH_ARGS=--quick.
.PHONY: bench
PRISM_VERSION := 5.14.2
PRISM := benchmarks/.cache/node_modules/.bin/prism
WIREMOCK_VERSION := 3.13.2
WIREMOCK_BUILD := benchmarks/.cache/node_modules/wiremock/build
WIREMOCK_JAR := $(WIREMOCK_BUILD)/wiremock-standalone-$(WIREMOCK_VERSION).jar
JAVA_PACKAGE := openjdk-17-jre-headless
bench: $(VENV)/.installed redis-server
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get install -y -qq wrk >/dev/null; } || echo "bench: no wrk; Python load generator"
	@[ "$$($(PRISM) --version 2>/dev/null)" = "$(PRISM_VERSION)" ] || \
		{ command -v npm >/dev/null && npm install --prefix benchmarks/.cache --no-audit \
		--no-fund --loglevel=error @stoplight/prism-cli@$(PRISM_VERSION); } || \
		echo "bench: no npm; Prism is left out"
	@command -v java >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -qq $(JAVA_PACKAGE) >/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null && apt-get install -y -qq $(JAVA_PACKAGE) >/dev/null; }; }; } || \
		echo "bench: no java (needs root and apt); WireMock is left out"
	@[ -f $(WIREMOCK_JAR) ] || { command -v npm >/dev/null && npm install --prefix \
		benchmarks/.cache --no-audit --no-fund --loglevel=error wiremock@$(WIREMOCK_VERSION); } || \
		echo "bench: no npm; WireMock is left out"
	$(PY) -m benchmarks $(BENCH_ARGS)
