# The one entry point. Every target creates or reuses .venv/ with pinned versions.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

SPEC := openapi/juspay-customers.yaml
GEN_CONFIG := generator-config.yml
GEN_PKG := generated/juspay_customers_client
HAND_WRITTEN := wrapper mock tests

.DEFAULT_GOAL := help
.PHONY: help install tools generate check-generated lint test demo

help:
	@echo "make demo             create -> get -> update against the bundled mock server"
	@echo "make test             lint, check-generated, then every test"
	@echo "make generate         regenerate $(GEN_PKG) from $(SPEC)"
	@echo "make check-generated  fail if $(GEN_PKG) is not what the spec produces"
	@echo "make lint             ruff, mypy --strict, spec validation"

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

demo: $(VENV)/.installed
	@echo "make demo: not yet; it arrives with the facade and the mock server."
