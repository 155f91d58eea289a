# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install run test lint format bench worker clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## Start the web server on http://127.0.0.1:8000 and a Celery worker (embedded: SQLite,
## filesystem broker). Loads the sample article and prints the demo reviewer's password.
run: install
	scripts/run.sh

## Run the whole test suite. Uses PostgreSQL and Redis when they answer locally.
test: install
	bash -c 'source scripts/test-services.sh && exec $(BIN)/pytest $(PYTEST_ARGS)'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Benchmarks: statement splitting and tagging throughput against bare spaCy.
bench: install
	bash -c 'source scripts/test-services.sh >/dev/null; exec $(BIN)/python bench/bench.py'

clean:
	rm -rf var/ .pytest_cache staticfiles
