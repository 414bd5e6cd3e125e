"""The race harness of the PostgreSQL concurrency tests."""

import threading

from django.db import connections


def race(calls) -> list:
    """Run each call in its own thread and connection, all released at the same moment; the
    outcome of each is its result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
