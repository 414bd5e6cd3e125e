"""Schemathesis hooks for `make fuzz` (loaded through SCHEMATHESIS_HOOKS by scripts/fuzz.py).

`positive_refusal_codes`: for an operation of `POSITIVE_REFUSALS` the positive_data_acceptance
check (ST202) also takes the statuses listed there; this check holds those refusals to the error
codes listed for each status. A schema-valid request answered with one of those statuses but
another `code` (or no JSON body) fails, so a refusal the document should have said (a date
format, a length, an enum) is not hidden behind a documented rule of the same status.
"""

from __future__ import annotations

import sys
from pathlib import Path

import schemathesis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz import POSITIVE_REFUSALS  # noqa: E402


@schemathesis.check
def positive_refusal_codes(ctx, response, case):
    """A schema-valid request refused by an operation's own rule carries one of that rule's codes."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    entry = POSITIVE_REFUSALS.get(case.operation.label)
    if entry is None:
        return
    codes, rule = entry
    allowed = codes.get(response.status_code)
    if allowed is None:
        return
    try:
        code = response.json().get("code")
    except Exception:  # noqa: BLE001 - not JSON, or not an object: no code at all
        code = None
    if code not in allowed:
        raise AssertionError(
            f"Valid data refused with {response.status_code} `{code}`; this operation's own rules refuse "
            f"{response.status_code} only with {', '.join(sorted(allowed))} ({rule})"
        )
