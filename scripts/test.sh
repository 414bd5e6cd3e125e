#!/usr/bin/env bash
# `make test`: the whole suite on SQLite, then again on PostgreSQL when TEST_POSTGRES_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=config.settings.test

# Browser tests drive Debian's chromium; install it when missing and we may.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

$BIN/python manage.py makemigrations --check --dry-run --verbosity=0 \
  || { echo "Model changes without a migration: run makemigrations -n <name>."; exit 1; }

echo "== Test suite on SQLite =="
$BIN/pytest "$@"

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  echo "== Test suite on PostgreSQL =="
  LIFELONG_TEST_DB=postgres $BIN/pytest "$@"
else
  echo "TEST_POSTGRES_URL is not set: skipped the PostgreSQL run."
fi
