PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench serve clean assets

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

# Rebuild the vendored front-end bundle from the npm registry (committed; users need no npm).
assets:
	npm install --no-audit --no-fund --silent
	cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css crmsense/web/static/vendor/
	cp node_modules/uplot/LICENSE crmsense/web/static/vendor/uPlot.LICENSE.txt
