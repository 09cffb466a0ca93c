# kb — the two commands a fresh machine needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
KB_IMPORT ?= samples
HOST ?= 127.0.0.1:8000

WORKERS ?= 2

.PHONY: run serve test test-quick test-search-variants schemathesis setup messages import index check-corpus bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Whoosh's maintained fork installs the same `whoosh` import name: it gets a venv of its own.
RELOADED := .venv-reloaded
$(RELOADED)/.installed: requirements.txt requirements-dev.txt requirements-reloaded.txt
	$(PYTHON) -m venv $(RELOADED)
	$(RELOADED)/bin/pip install --quiet --upgrade pip
	$(RELOADED)/bin/pip install --quiet -r requirements-dev.txt
	$(RELOADED)/bin/pip uninstall --quiet --yes Whoosh
	$(RELOADED)/bin/pip install --quiet -r requirements-reloaded.txt
	$(RELOADED)/bin/python -c "import whoosh; print('whoosh-reloaded', whoosh.versionstring())"
	touch $@

messages: $(VENV)/.runtime  ## compile UI translations with Babel (no gettext binary needed)
	$(BIN)/pybabel compile --use-fuzzy --domain django --directory locale --statistics 2>&1 | tail -n 7

setup: $(VENV)/.runtime messages  ## migrate, and collect static files for WhiteNoise (needed when KB_DEBUG=0)
	mkdir -p var
	$(MANAGE) migrate --no-input -v 0
	@# Always with the production storage, so that the hashed names and manifest exist whichever
	@# KB_DEBUG the server later runs with (the key is not used by collectstatic).
	KB_DEBUG=0 KB_SECRET_KEY="$${KB_SECRET_KEY:-collectstatic-only}" $(MANAGE) collectstatic --no-input -v 0

# Any other import than the samples replaces the sample articles nobody edited (--replace-samples).
import: setup  ## import articles: make import KB_IMPORT=../shared/corpus/kcs
	$(MANAGE) import_articles $(if $(filter samples,$(KB_IMPORT)),,--replace-samples) $(KB_IMPORT)

index: import  ## bring the search index up to date with the database (built when missing)
	$(MANAGE) run_indexer --once

# The web server and, beside it, this server's indexer (it follows the index journal); both
# stop together.
run: index  ## set up, import the samples (or KB_IMPORT), index them and serve http://127.0.0.1:8000
	$(MANAGE) run_indexer & indexer=$$!; trap 'kill $$indexer 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST)

serve: index  ## like run, under gunicorn (a production server: no autoreload, one searcher per worker)
	$(MANAGE) run_indexer & indexer=$$!; trap 'kill $$indexer 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn kb.wsgi --bind $(HOST) --workers $(WORKERS) --access-logfile -

# axe-core for the browser tests' accessibility checks (package-lock.json pins it; npm ci reads
# the registry only). Without npm those checks skip with the reason.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm is not installed: the accessibility checks will be skipped"; fi

test: $(VENV)/.dev messages node_modules/.package-lock.json  ## the whole suite on SQLite, schemathesis, the search tests' other two ways, then PostgreSQL when KB_TEST_POSTGRES_URL is set
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory schemathesis
	$(MAKE) --no-print-directory test-search-variants
	@if [ -n "$$KB_TEST_POSTGRES_URL" ]; then \
		echo "== again on PostgreSQL"; \
		KB_DATABASE_URL="$$KB_TEST_POSTGRES_URL" $(BIN)/python -m pytest -m "not corpus"; \
	fi

# The suite less the tests marked slow (servers in processes of their own, a browser, the whole
# corpus): what a change is checked with while it is written. make test runs every test.
test-quick: $(VENV)/.dev messages  ## the suite without the slow tests (pytest -m "not slow")
	$(BIN)/python -m pytest -m "not slow"

# The suite above runs with the search speed-ups on (Whoosh 2.7.4); the search, journal and
# visibility tests also run with them off, on Whoosh 2.7.4 and on whoosh-reloaded (a few minutes each).
SEARCH_TESTS := tests/test_search.py tests/test_search_speedups.py tests/test_journal.py tests/test_spelling.py \
	tests/test_index_build.py tests/test_triage.py tests/test_editing.py tests/test_views.py tests/test_faults.py \
	tests/test_identifiers.py tests/test_search_linked.py
test-search-variants: $(VENV)/.dev messages $(RELOADED)/.installed  ## search, journal and visibility tests with KB_SEARCH_SPEEDUPS=0, on Whoosh 2.7.4 and on whoosh-reloaded
	@echo "== search tests with the speed-ups off (Whoosh 2.7.4)"
	KB_SEARCH_SPEEDUPS=0 $(BIN)/python -m pytest -p no:cacheprovider $(SEARCH_TESTS)
	@echo "== search tests with the speed-ups off on whoosh-reloaded"
	KB_SEARCH_SPEEDUPS=0 $(RELOADED)/bin/python -m pytest -p no:cacheprovider $(SEARCH_TESTS)

# A scratch gunicorn instance (SQLite, the samples) called through every operation of /api/schema/:
# no 5xx, documented statuses, content types and bodies. KB_SCHEMATHESIS_EXAMPLES=200 for more cases.
schemathesis: $(VENV)/.dev messages  ## the API against its OpenAPI schema (bounded: about a minute)
	tests/scripts/schemathesis_run.sh

bench: $(VENV)/.dev  ## figures for the closing notes (needs ../shared/corpus)
	$(BIN)/python bench/import.py
	$(BIN)/python bench/search.py

clean:
	rm -rf var $(VENV) $(RELOADED)
