"""Inserting many rows with one statement per chunk, for the few paths that write thousands of
rows at once (record imports and the balances they move).

The ORM's bulk_create spends several times longer building SQL than the database takes to run
it. On PostgreSQL the rows travel as one typed array per column and `unnest` turns them back
into rows: thirteen parameters instead of thirteen thousand, which the driver would otherwise
scan one by one. SQLite gets multi-row VALUES in chunks.
"""

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from django.db import connection

SQLITE_CHUNK = 1000

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter), each read only when it is asked for,
    as `itertools.batched` does from Python 3.12: an import works through its file a batch at
    a time."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def insert_rows(
    table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence], *, on_conflict: str = ""
) -> None:
    """INSERT `rows` (tuples in the order of `columns`, each `(name, PostgreSQL type)`) into
    `table`, with an optional `ON CONFLICT …` clause written for both databases. Table and
    column names come from the code, never from input."""
    if not rows:
        return
    quoted = connection.ops.quote_name(table)
    names = ", ".join(name for name, _ in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for _, kind in columns)
            cursor.execute(
                f"INSERT INTO {quoted} ({names}) SELECT * FROM unnest({arrays}) {on_conflict}",  # noqa: S608
                [list(column) for column in zip(*rows, strict=True)],
            )
            return
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), SQLITE_CHUNK):
            chunk = rows[start : start + SQLITE_CHUNK]
            cursor.execute(
                f"INSERT INTO {quoted} ({names}) VALUES {', '.join([placeholders] * len(chunk))} {on_conflict}",  # noqa: S608
                [value for row in chunk for value in row],
            )
