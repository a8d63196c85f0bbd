# One place for every entry point; .ci/run reuses `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := data/sample
CORPUS ?= ../shared/corpus

.PHONY: demo test lint bench notebooks system-deps clean full

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/kg build $(SAMPLE) --out build
	@echo
	@echo "Built build/kg.db, build/graph.ttl, build/graph.graphml and build/explorer.html from $(SAMPLE)."
	@echo "Look at it:"
	@echo "  $(BIN)/kg stats --db sqlite:///build/kg.db"
	@echo "  $(BIN)/kg top --db sqlite:///build/kg.db"
	@echo "  $(BIN)/kg query --name top-projects --db sqlite:///build/kg.db"
	@echo "  $(BIN)/kg serve --db sqlite:///build/kg.db   # then open http://127.0.0.1:7878/"
	@echo "  open build/explorer.html in a browser (works offline)"

lint: $(VENV)/.installed
	$(BIN)/ruff check kg tests benchmarks scripts

system-deps:
	bash scripts/system-deps.sh

test: $(VENV)/.installed system-deps lint
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed system-deps
	$(BIN)/python benchmarks/run.py

notebooks: $(VENV)/.installed
	KG_NOTEBOOK_CORPUS=$(CORPUS) $(BIN)/python -m pytest -q tests/test_notebooks.py

full: $(VENV)/.installed
	$(BIN)/kg build $(CORPUS) --out build/full

clean:
	rm -rf build .pytest_cache
