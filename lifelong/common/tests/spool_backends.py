"""Backends a deployment might write to keep messages on disk under a name of its own: the
production checks must refuse them by class, not only by the names Lifelong ships."""

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from lifelong.notifications.sms import FileSmsBackend


class SpoolSmsBackend(FileSmsBackend):
    """The file outbox as a "spool" for a gateway to pick up: every number and code in clear."""


class SpoolEmailBackend(FileEmailBackend):
    """Django's file email backend under another path."""
