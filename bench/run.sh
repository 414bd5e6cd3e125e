#!/usr/bin/env bash
# `make bench`: the Lifelong Learning Week registration rush on PostgreSQL (bench/README.md).
# Installs wrk from Debian's packages when missing (as root), checks that PostgreSQL answers
# on 127.0.0.1:5432, then runs bench/rush.py (bench/results/rush.{json,md}) and bench/imports.py
# (bench/results/imports.{json,md}). BENCH_ONLY=rush or BENCH_ONLY=imports runs one part.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's wrk for the bench..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "The bench needs wrk (Debian: apt-get install wrk)." >&2
    exit 1
  fi
fi

if ! $BIN/python -c "import psycopg; psycopg.connect(host='127.0.0.1', port=5432, user='postgres', dbname='test').close()" 2>/dev/null; then
  echo "The bench needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth, database test)." >&2
  exit 1
fi

if [ "${BENCH_ONLY:-}" != "imports" ]; then
  $BIN/python bench/rush.py "$@"
fi
if [ "${BENCH_ONLY:-}" != "rush" ]; then
  $BIN/python bench/imports.py
fi
