# The README's commands. `make run` serves the demo portal; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint translations bench bench-search bench-dashboard clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d portal/translations

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) search rebuild
	$(FLASK) run --host 127.0.0.1 --port 5000

# One pytest-xdist worker per core; the browser tests run in two groups (tests/conftest.py).
# Bytecode is cached even where the environment sets PYTHONDONTWRITEBYTECODE: each worker and
# live server would otherwise compile the app and rewrite every test module again (6 CPU-s).
test: $(VENV)/.installed-dev translations
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev translations
	$(BIN)/python bench/queue_page.py

bench-search: $(VENV)/.installed-dev translations
	$(BIN)/python bench/search_bench.py

bench-dashboard: $(VENV)/.installed-dev translations
	$(BIN)/python bench/dashboard_bench.py

# Style, then the import contracts of .importlinter (the layers of docs/architecture.md).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
