# trace_verify — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
EXTRAS ?= test,lint
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

## Serve the API and the demo page on http://$(HOST):$(PORT)/
run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/trace-verify serve

## The whole suite (benchmarks run once at a small size as a smoke check)
test: $(STAMP)
	$(BIN)/pytest

## Lint: ruff, mypy (strict on trace_verify/ and carriers/), import-linter layering contracts
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## Full benchmarks; each prints machine, commit, date, figures and PASS/MISS per target
bench: $(STAMP)
	$(BIN)/python bench/verify.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
