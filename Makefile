# trace_verify — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
EXTRAS ?= postgres,redis,test,lint
STAMP  := $(VENV)/.installed
# PostgreSQL for the persistence and API suites (a throw-away database is created on it per run);
# when nothing answers there, those tests are skipped with the reason (and fail under CI=true).
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export TEST_POSTGRES_URL
# Redis for the job-queue and multi-instance tests (databases 10-15; skipped when absent, failed under CI=true)
TEST_REDIS_URL ?= redis://127.0.0.1:6379/10
export TEST_REDIS_URL

.PHONY: run test test-fast lint bench bench-verify bench-parse bench-assess bench-tracecodes bench-bulk bench-slow-clients bench-tenancy bench-http karrio-envs install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

## Migrate the database, load the demo merchants, orders and keys (printed), serve on http://$(HOST):$(PORT)/
run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/trace-verify demo

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
bench: bench-verify bench-parse bench-assess bench-tracecodes bench-bulk bench-slow-clients bench-tenancy bench-http

## Tracking-number assessment: µs per assess() call against its 10 µs target
bench-assess: $(STAMP)
	$(BIN)/python bench/assess.py

## Hardening (issue 10): the server model under 50 slow clients for 60 s; tenancy timing oracle
bench-slow-clients: $(STAMP)
	$(BIN)/python bench/slow_clients.py

bench-tenancy: $(STAMP)
	$(BIN)/python bench/tenancy.py

bench-verify: $(STAMP)
	$(BIN)/python bench/verify.py

## Traceability codes: QR PNG/s on one core, bulk registration, /t/ under hey at 200 req/s (SQLite, PostgreSQL)
bench-tracecodes: $(STAMP)
	command -v hey >/dev/null || { apt-get update -qq && apt-get install -y -qq hey; }
	$(BIN)/python bench/tracecodes.py

## The API's per-request cost: POST /api/v1/verify against /healthz under trace-verify serve (hey: peak, p99 at 200 req/s)
bench-http: $(STAMP)
	command -v hey >/dev/null || { apt-get update -qq && apt-get install -y -qq hey; }
	$(BIN)/python bench/http_api.py

## Bulk pre-validation over HTTP: 100,000 rows upload → results, then 1,000,000 rows (constant memory)
bench-bulk: $(STAMP)
	$(BIN)/python bench/bulk.py

## Carrier adapters: µs per parse, ours vs karrio (in its own environments) vs the floor
bench-parse: $(STAMP) karrio-envs
	$(BIN)/python bench/parse.py

## karrio's environments for bench/parse.py, from PyPI (shared/reference/carriers.md §1)
KARRIO_VENV        ?= .venv-karrio
KARRIO_LEGACY_VENV ?= .venv-karrio-legacy
KARRIO_PKGS        := karrio karrio-ups karrio-fedex karrio-dhl-universal karrio-dhl-express karrio-mydhl \
                      karrio-usps karrio-canadapost karrio-royalmail
karrio-envs: $(KARRIO_VENV)/.installed $(KARRIO_LEGACY_VENV)/.installed

$(KARRIO_VENV)/.installed:
	test -x $(KARRIO_VENV)/bin/python || $(PYTHON) -m venv $(KARRIO_VENV)
	echo '*' > $(KARRIO_VENV)/.gitignore
	$(KARRIO_VENV)/bin/python -m pip install --quiet $(addsuffix ==2026.1.32,$(KARRIO_PKGS))
	touch $@

$(KARRIO_LEGACY_VENV)/.installed:
	test -x $(KARRIO_LEGACY_VENV)/bin/python || $(PYTHON) -m venv $(KARRIO_LEGACY_VENV)
	echo '*' > $(KARRIO_LEGACY_VENV)/.gitignore
	$(KARRIO_LEGACY_VENV)/bin/python -m pip install --quiet karrio==2023.9.2 karrio-usps==2023.9.2
	$(KARRIO_LEGACY_VENV)/bin/python -m pip install --quiet karrio-sf-express==2023.4 \
	  || echo "karrio-sf-express 2023.4 did not install: bench/parse.py reports SF as n/a"
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
