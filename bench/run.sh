#!/usr/bin/env bash
# `make bench`: the scenarios of bench/README.md on PostgreSQL, each writing bench/results/<name>.{json,md}:
# rush (bench/rush.py), imports (bench/imports.py), dashboard (bench/dashboard.py) and catalogue
# (bench/catalogue.py). BENCH_ONLY picks some, comma-separated (BENCH_ONLY=dashboard,catalogue);
# `make bench-dashboard` and `make bench-catalogue` run one. Installs wrk from Debian's packages
# when missing (as root) and checks that PostgreSQL answers on 127.0.0.1:5432 first.
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

SCENARIOS="${BENCH_ONLY:-rush,imports,dashboard,catalogue}"
for scenario in ${SCENARIOS//,/ }; do
  case "$scenario" in
    rush) $BIN/python bench/rush.py "$@" ;;
    imports) $BIN/python bench/imports.py ;;
    dashboard) $BIN/python bench/dashboard.py ;;
    catalogue) $BIN/python bench/catalogue.py ;;
    *) echo "Unknown bench scenario '$scenario' (rush, imports, dashboard, catalogue)." >&2; exit 1 ;;
  esac
done
