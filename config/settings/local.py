"""Local settings: `make run` (demo mode) and development. Plain HTTP on 127.0.0.1."""

from .base import *  # noqa: F403

SECRET_KEY = SECRET_KEY or "local-only-insecure-key-never-used-in-production"  # noqa: F405
