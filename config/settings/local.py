"""Local settings: `make run` (demo mode) and development. Plain HTTP on 127.0.0.1."""

from .base import *  # noqa: F403
from .base import DEMO_MODE, env

SECRET_KEY = SECRET_KEY or "local-only-insecure-key-never-used-in-production"  # noqa: F405
# Demo mode relaxes staff two-factor (a banner says so); development without demo keeps it.
STAFF_TWO_FACTOR_REQUIRED = env.bool("LIFELONG_STAFF_2FA", default=not DEMO_MODE)
