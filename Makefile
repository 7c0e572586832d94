# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADMIN_EMAIL ?= admin@cloudfactory.local
DEMO_CUSTOMERS ?= 2000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/cloudfactory migrate --no-input
	$(BIN)/cloudfactory demo --customers $(DEMO_CUSTOMERS) --if-empty --fast
	$(BIN)/cloudfactory createadmin --email $(ADMIN_EMAIL) --if-absent
	$(BIN)/cloudfactory serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: lint
	$(BIN)/python tests/run_suites.py

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
