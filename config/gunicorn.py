"""Gunicorn settings for `make run` and production; each can be overridden by environment."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 30
graceful_timeout = 10
accesslog = "-" if os.environ.get("ACCESS_LOG") == "1" else None
# Django's error pages and logs go to stderr; request lines are off by default (they may
# carry search words people typed).
errorlog = "-"
# Gunicorn's control socket is not needed and would write under $HOME.
control_socket_disable = True
