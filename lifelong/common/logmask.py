"""Keeps secrets that travel in a URL path out of the logs.

The SMS provider posts delivery receipts to `/sms/receipts/<SMS_RECEIPT_TOKEN>/`: it can be
told an address but not a header, so the secret is in the path (lifelong.notifications.receipts).
Django logs the path of every 4xx/5xx answer ("Bad Request: /sms/receipts/…/"), so the one
handler of LOGGING masks it; config/gunicorn.py masks it in the access log. Plain Python, no
Django: logging is set up before the apps load.
"""

import logging
import re

# The secret part of each path that carries one, up to the next slash, query or space.
SECRET_PATH = re.compile(r"(/sms/receipts/)[^/?#\s\"']+")
MASK = r"\1***"


def mask_secret_paths(text: str) -> str:
    return SECRET_PATH.sub(MASK, text)


class MaskSecretPaths(logging.Filter):
    """Rewrites a record whose message holds a secret path; lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secret_paths(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
