#!/usr/bin/env bash
# `make run`: Lifelong in demo mode on http://127.0.0.1:8000 — the production WSGI server
# (gunicorn) and the task worker together, the demo county loaded into an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
export LIFELONG_DEMO=1
export DJANGO_SETTINGS_MODULE=config.settings.local
# The demo's text messages go to files in var/sms/ rather than flooding this terminal (the
# worker sends the demo's notices as soon as it starts); SMS_BACKEND set outside wins.
export SMS_BACKEND="${SMS_BACKEND:-lifelong.notifications.sms.FileSmsBackend}"
BIN=.venv/bin
BIND="${BIND:-127.0.0.1:8000}"
# The one public address QR codes, calendar files, emails and certificates carry: the address
# this server listens on, unless SITE_URL says otherwise (a proxy, a name, another machine).
SITE_URL="${SITE_URL:-$(scripts/site-url.sh "$BIND")}"
export SITE_URL
# That address must be one the server answers to (ALLOWED_HOSTS set outside wins).
SITE_HOST="$(printf '%s' "$SITE_URL" | sed -E 's#^[a-z]+://(\[[^]]*\]|[^:/]*).*#\1#')"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost,${SITE_HOST}}"
mkdir -p var

$BIN/python manage.py migrate --noinput --verbosity=0
$BIN/python manage.py demo_load --if-empty
# Dashboard figures at once, then every 10 minutes by the worker (the task re-queues itself).
$BIN/python manage.py dashboards_refresh --schedule
$BIN/python manage.py collectstatic --noinput --verbosity=0

$BIN/python manage.py db_worker --verbosity=0 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Lifelong (demo mode) is starting on http://${BIND}/ (links and QR codes use ${SITE_URL})
  Sign in at http://${BIND}/accounts/login/ with any persona above (password lifelong-demo).
  API docs: http://${BIND}/api/v1/docs    Text messages: var/sms/    Stop with Ctrl-C.

MSG
$BIN/gunicorn config.wsgi --config config/gunicorn.py --bind "$BIND"
