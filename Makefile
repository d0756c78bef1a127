# The two commands of the README:
#   make example   install Flashpoint (runtime dependencies only) into .venv and code the
#                  example article (stored in ./flashpoint.db)
#   make test      install it with the development extra (pytest, ruff, Spark, Playwright...)
#                  into .venv and run the test suite
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
SHARED ?= ../shared

.PHONY: example test lint install check-system

# What `pip install .` installs: enough to code, store, serve and export.
$(BIN)/.runtime: pyproject.toml
	@echo "Installing Flashpoint and its runtime dependencies into $(VENV) (a minute or so)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

# The development extra on top, for the tests.
$(BIN)/.installed: $(BIN)/.runtime pyproject.toml
	@echo "Installing the development extra into $(VENV) (pytest, ruff, Spark, Playwright...)"
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

example: $(BIN)/.runtime
	$(BIN)/flashpoint run $(SHARED)/articles/iraq-militia-threat.txt

# Chromium, chromedriver and Java 17+ are not pip's to install: say so before anything else.
check-system:
	@$(PYTHON) scripts/check_system.py

test: check-system $(BIN)/.installed
	$(BIN)/ruff check src tests scripts $(wildcard bench)
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests scripts $(wildcard bench)
	$(BIN)/ruff format --check src tests scripts $(wildcard bench)
