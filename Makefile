# Lifelong: `make run` starts the demo, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/base.txt requirements/dev.txt | cksum | cut -d' ' -f1)

.PHONY: setup run test lint format messages clean

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP) messages

messages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity=0

run: setup
	scripts/run.sh

test: setup
	scripts/test.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

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
