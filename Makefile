# The two commands of the README:
#   make example   install into .venv and code the example article (stored in ./flashpoint.db)
#   make test      install into .venv and run the test suite
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
SHARED ?= ../shared

.PHONY: example test lint install

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

example: $(BIN)/.installed
	$(BIN)/flashpoint run $(SHARED)/articles/iraq-militia-threat.txt

test: $(BIN)/.installed
	$(BIN)/ruff check src tests scripts $(wildcard bench)
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests scripts $(wildcard bench)
	$(BIN)/ruff format --check src tests scripts $(wildcard bench)
