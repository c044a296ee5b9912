# Welvaartgesprek — two commands on a fresh machine:
#   make run    virtualenv, install, migrate, demo data (with simulated ballots and pledges),
#               serve on http://127.0.0.1:8000 (PORT=…)
#   make test   everything the tests need (PostgreSQL, Chromium, Spectral), then all tests
#               (on SQLite; those marked both_databases on PostgreSQL too)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
SPECTRAL_DIR := tests/adr
# Test processes for `make test` (pytest-xdist; each gets whole test modules). One by default:
# the browser tests wait on Chromium, which shares the cores with the other worker's servers;
# `make test TEST_WORKERS=auto` runs one per core (about 7 minutes instead of 10 here).
TEST_WORKERS ?= 0

.PHONY: run test test-deploy test-every-database install install-test services lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/welvaartgesprek migrate
	$(BIN)/welvaartgesprek demo --simulate 60 --host $(HOST) --port $(PORT)
	$(BIN)/welvaartgesprek serve --host $(HOST) --port $(PORT)

$(SPECTRAL_DIR)/node_modules/.bin/spectral: $(SPECTRAL_DIR)/package.json
	npm install --prefix $(SPECTRAL_DIR) --no-audit --no-fund --loglevel=error
	touch $@

services:
	bash tests/services/start-postgres.sh
	bash tests/services/install-chromium.sh

# Temporary files under the clone (not /tmp/pytest-of-$USER, which every run on the machine
# shares), so that two `make test` in two clones never touch each other's. Whole modules per
# worker (--dist loadfile): a module's own fixtures (app instances, a CLI database) are made once.
test: install-test services $(SPECTRAL_DIR)/node_modules/.bin/spectral
	WG_SPECTRAL_DIR=$(CURDIR)/$(SPECTRAL_DIR) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile \
		--basetemp=$(CURDIR)/.pytest-tmp

# The deployment in deploy/: PostgreSQL, two app instances and nginx on 127.0.0.1, one
# instance killed while residents vote through nginx (tests/deploy/).
test-deploy: install-test
	bash tests/services/start-postgres.sh
	bash tests/services/install-nginx.sh
	$(BIN)/pytest -m deploy tests/deploy --basetemp=$(CURDIR)/.pytest-tmp-deploy

# Every test on PostgreSQL as well, not only those marked both_databases (slower; for a
# nightly run, or before a release).
test-every-database:
	WG_TEST_EVERY_DATABASE=1 $(MAKE) test

lint: install-test
	$(BIN)/ruff check api tests migrations
	$(BIN)/ruff format --check api tests migrations

format: install-test
	$(BIN)/ruff format api tests migrations

bench: install-test services
	$(BIN)/python -m tests.bench.resident_load --database sqlite
	$(BIN)/python -m tests.bench.resident_load --database postgresql
	$(BIN)/python -m tests.bench.results_scale
	$(BIN)/python -m tests.bench.pwa_first_visit
	$(BIN)/python -m tests.bench.lighthouse_scores

clean:
	rm -rf $(VENV) $(SPECTRAL_DIR)/node_modules tests/bench/lighthouse/node_modules .pytest_cache .pytest-tmp .pytest-tmp-deploy .hypothesis
