#!/usr/bin/env bash
# The public address (SITE_URL) of a server listening on BIND ($1, host:port): what QR codes,
# calendar files, emails and certificates link to when SITE_URL is not set. Listening on every
# interface (0.0.0.0 or [::]) names this machine's first address, which the phones on the same
# network can reach; a unix socket has no address of its own, so the default one is named.
set -euo pipefail
bind="${1:-127.0.0.1:8000}"
case "$bind" in
  unix:*) echo "http://127.0.0.1:8000/" ;;
  0.0.0.0:* | "[::]:"*)
    address="$(hostname -I 2>/dev/null | awk '{print $1}' || true)"
    echo "http://${address:-127.0.0.1}:${bind##*:}/"
    ;;
  *) echo "http://${bind}/" ;;
esac
