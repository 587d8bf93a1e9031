# Secure Base: `make run` to use it, `make test` to check it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX := static/vendor/htmx.min.js
export FLASK_APP := wsgi

.PHONY: setup run serve test lint format bench demo clean api-fuzz screens

setup: $(VENV)/.installed $(HTMX) instance/.migrated

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

# The database is migrated on every start too; this makes `make setup` leave a ready database.
instance/.migrated: $(VENV)/.installed $(wildcard tracker/migrations/*.py)
	$(BIN)/flask --app wsgi tracker init-db
	touch $@

run: setup
	SCHEDULER=$${SCHEDULER:-1} $(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

# Beyond this machine (README, "On your phone"): gunicorn on $(BIND) and the scheduler as its own process.
serve: setup
	scripts/serve.sh

# Every page, partial and email the suite renders is kept in $(HTML_CAPTURE_DIR), then checked once by the
# Nu Html Checker (scripts/check-html.py; fewer than HTML_MIN_DOCUMENTS kept means the capture broke).
HTML_CAPTURE_DIR ?= test-artifacts/html
HTML_MIN_DOCUMENTS ?= 300
test: setup
	rm -rf $(HTML_CAPTURE_DIR)
	HTML_CAPTURE_DIR=$(abspath $(HTML_CAPTURE_DIR)) $(BIN)/pytest -n auto --dist loadgroup -q
	$(BIN)/python scripts/check-html.py $(HTML_CAPTURE_DIR) --min-files $(HTML_MIN_DOCUMENTS)

# bandit at medium severity and up; a `# nosec` needs a reason beside it. lint-imports checks the
# import contracts in pyproject.toml (the layers of DESIGN.md, a pure core, independent view areas).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -r tracker -ll -q
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks (never part of `make test`): every figure beside its reference, written to bench-results.md.
# They use this machine's PostgreSQL unless TEST_DATABASE_URL names another.
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
bench: setup
	scripts/ensure-services.sh
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/pytest tests/benchmarks -q -p no:xdist

# Schemathesis against a live gunicorn on a throw-away database, with the API's OpenAPI description.
api-fuzz: setup
	$(BIN)/python scripts/api_fuzz.py

# The README's screenshot gallery (docs/screens/): the demo account at phone size, light and dark.
screens: setup
	$(BIN)/python scripts/screens.py

demo: setup
	$(BIN)/flask --app wsgi tracker demo

clean:
	rm -rf $(VENV) node_modules static/vendor instance/static-build .pytest_cache .ruff_cache
