PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench serve clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev,server]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/crmsense demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check crmsense tests benchmarks
	$(BIN)/ruff format --check crmsense tests benchmarks
	$(BIN)/mypy crmsense

bench: $(STAMP)
	$(BIN)/python -m benchmarks

serve: $(STAMP)
	$(BIN)/crmsense demo --serve

clean:
	rm -rf $(VENV) crmsense.db demo-workspace
