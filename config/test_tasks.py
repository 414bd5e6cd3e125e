"""Task backend for the test suite: runs each task at once, and accepts `run_after`.

Running a deferred task early is safe for Lifelong's tasks (each checks its own deadline and
does nothing before it), and tests that need the deadline passed call the service directly.
"""

from django_tasks.backends.immediate import ImmediateBackend


class ImmediateDeferrableBackend(ImmediateBackend):
    supports_defer = True
