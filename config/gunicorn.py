"""Gunicorn settings for `make run` and production; each can be overridden by environment."""

import os
import re

from gunicorn.glogging import Logger

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 30
graceful_timeout = 10
accesslog = "-" if os.environ.get("ACCESS_LOG") == "1" else None


class MaskingLogger(Logger):
    """Gunicorn's logger with the secret part of the SMS receipt address masked in request lines:
    the provider posts to /sms/receipts/<SMS_RECEIPT_TOKEN>/ and a logged token would let anyone
    who reads the logs forge receipts. The same pattern as lifelong.common.logmask, kept here
    because gunicorn reads this file before the project is importable."""

    SECRET_PATH = re.compile(r"(/sms/receipts/)[^/?#\s\"']+")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every text atom: the request line (r), the path (U), the referer and the {…}e environ ones.
        return {
            name: self.SECRET_PATH.sub(r"\1***", value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


logger_class = MaskingLogger
# Django's error pages and logs go to stderr; request lines are off by default (they may
# carry search words people typed).
errorlog = "-"
# Gunicorn's control socket is not needed and would write under $HOME.
control_socket_disable = True
