# Lifelong: `make run` starts the demo, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per set of requirements, named by the checksum of its lock files: running needs only
# base.txt (no pytest, Playwright or ruff); tests, lint and the bench need dev.txt on top. A
# changed lock file changes the name, so the next make installs again; a machine that ran
# `make run` gets the dev tools at its first `make test`.
BASE_STAMP := $(VENV)/.installed-base-$(shell cat requirements/base.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements/base.txt requirements/dev.txt | cksum | cut -d' ' -f1)

.PHONY: setup setup-run run test lint app-graph format messages clean

$(BASE_STAMP): requirements/base.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/base.txt
	rm -f $(VENV)/.installed-base-* $(VENV)/.installed-[0-9]*
	touch $(BASE_STAMP)

$(DEV_STAMP): $(BASE_STAMP) requirements/dev.txt
	$(BIN)/python -m pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV_STAMP)

# What running needs, and what developing needs (tests, lint, bench).
setup-run: $(BASE_STAMP) messages

setup: $(DEV_STAMP) messages

messages: $(BASE_STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity=0

run: setup-run
	scripts/run.sh

test: setup
	scripts/test.sh

# Style, the architecture's import contracts (pyproject.toml [tool.importlinter]; see
# docs/architecture.md), function length, and migrations in step with the models.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/long_functions.py lifelong
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Which app imports which, as text (and the cycles between them, none by contract).
app-graph: setup
	$(BIN)/python scripts/app_graph.py

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles var

# `make bench`: every scenario on PostgreSQL (the Learning Week rush, imports, dashboards at county
# scale, the catalogue at 20,000 activities); each writes bench/results/<name>.{json,md}.
# BENCH_ONLY=rush,imports picks some; bench-dashboard and bench-catalogue run one each.
.PHONY: bench bench-dashboard bench-catalogue
bench: setup
	bench/run.sh

bench-dashboard: setup
	BENCH_ONLY=dashboard bench/run.sh

bench-catalogue: setup
	BENCH_ONLY=catalogue bench/run.sh

# `make tour`: every public, learner and console page of the demo in Debian's chromium, at phone
# and desktop size, in Chinese and English, standard and elder mode: screenshots in var/tour/,
# one line per page and view (axe-core, weight, first heading, small elder targets).
# TOUR_ARGS="--only news --viewport phone --fresh --no-fail" narrows or relaxes it.
.PHONY: tour
tour: setup node_modules/.package-lock.json
	$(BIN)/python scripts/tour.py $(TOUR_ARGS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# `make fuzz`: schemathesis, every check on, against the API's OpenAPI document for the anonymous,
# learner, organizer, village, town and county personas, each on its own fresh copy of the demo
# (scripts/fuzz.py; report in var/fuzz/report.md). FUZZ_EXAMPLES=5 is the quick run CI does.
.PHONY: fuzz
fuzz: setup
	$(BIN)/python scripts/fuzz.py
