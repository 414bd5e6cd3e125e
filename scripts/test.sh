#!/usr/bin/env bash
# `make test`: the whole suite on SQLite, then again on PostgreSQL when TEST_POSTGRES_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=config.settings.test

# Browser tests drive Debian's chromium, and measure Chinese pages: without a CJK font every
# character is a box of another size, so layout checks (first heading, target sizes) would judge
# a page nobody sees. Install both when missing and we may.
MISSING=""
command -v chromium >/dev/null 2>&1 || MISSING="chromium"
fc-list :lang=zh 2>/dev/null | grep -q . || MISSING="$MISSING fonts-noto-cjk"
if [ -n "$MISSING" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's$MISSING for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $MISSING >/dev/null
fi

# The accessibility tests inject axe-core from node_modules (pinned in package-lock.json).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null 2>&1 || { echo "The accessibility tests need Node.js and npm (apt-get install npm)."; exit 1; }
  npm ci --no-audit --no-fund --loglevel=error
fi

$BIN/python manage.py makemigrations --check --dry-run --verbosity=0 \
  || { echo "Model changes without a migration: run makemigrations -n <name>."; exit 1; }

# One test process per core (pytest-xdist); a module's tests stay in one process, so a module
# that loads the demo once for all its tests does so once. TEST_WORKERS=0 runs in this process.
WORKERS=(-n "${TEST_WORKERS:-auto}" --dist loadfile)

echo "== Test suite on SQLite =="
$BIN/pytest "${WORKERS[@]}" "$@"

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  echo "== Test suite on PostgreSQL =="
  LIFELONG_TEST_DB=postgres $BIN/pytest "${WORKERS[@]}" "$@"
else
  echo "TEST_POSTGRES_URL is not set: skipped the PostgreSQL run."
fi
