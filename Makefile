# Two commands for a fresh machine:
#   make preview   set up .venv from the lock file, then preview every stage of dev offline (with the policy pack)
#   make test      everything CI runs: lint, types, SAST, dependency audit, tests
# Not part of make test: make bench (benchmarks), make fuzz (100,000 fuzzed events against the filter handler)
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev
SRC := infra components stacks policies lambdas tools benchmarks
TYPED := components stacks infra

.PHONY: setup preview preview-prod lint typecheck sast audit-deps unit test bench bench-adversarial fuzz clean

$(UV): tools/bootstrap.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r tools/bootstrap.txt
	@touch $(UV)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	$(BIN)/python -m infra.preview.lazy_annotations
	@touch $@

setup: $(VENV)/.synced

preview: setup
	$(BIN)/genai-platform preview --stack $(STACK)

preview-prod: setup
	$(BIN)/genai-platform preview --stack prod

lint: setup
	$(BIN)/ruff check $(SRC) tests
	$(BIN)/ruff format --check $(SRC) tests

typecheck: setup
	$(BIN)/mypy

sast: setup
	$(BIN)/bandit -c pyproject.toml -r $(SRC) -q -ll

audit-deps: setup
	$(UV) export --frozen --format requirements-txt --no-emit-project --quiet > $(VENV)/requirements-audit.txt
	$(BIN)/python tools/audit_deps.py $(VENV)/requirements-audit.txt $(PIP_AUDIT_FLAGS)

unit: setup
	$(BIN)/pytest

test: lint typecheck sast audit-deps unit

bench: setup
	$(BIN)/python benchmarks/preview_bench.py
	$(BIN)/python benchmarks/policy_bench.py
	$(BIN)/python benchmarks/filter_bench.py
	$(BIN)/python benchmarks/adversarial_bench.py

bench-adversarial: setup
	$(BIN)/python benchmarks/adversarial_bench.py

FUZZ_EVENTS ?= 100000
FUZZ_SEED ?= 15
fuzz: setup
	$(BIN)/python tools/fuzz_filter.py --events $(FUZZ_EVENTS) --seed $(FUZZ_SEED)

clean:
	rm -rf $(VENV) $(TOOLS) build .pytest_cache .mypy_cache .ruff_cache
