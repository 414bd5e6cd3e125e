"""What every app's tests share: the demo county's personas, the access-control matrices'
actors and expectations, the browser (Debian's chromium, signing in, the switches), the API
client, the race harness and the accessibility measurements.

A plain package, not a Django app: it holds functions and constants only. Fixtures stay in
conftest.py files (the root one builds its fixtures from these), so that pytest finds them
where it always looks. Only tests (and `make tour`, for `a11y`) import from here.
"""
