"""An open-loop (fixed-rate) HTTP/1.1 load generator on asyncio, standard library only.

Request i is due at start + i / rate whatever happened to the ones before it, so a slow
server cannot slow the client down ("coordinated omission"): latency is measured from the
moment a request was due, not from the moment it could be sent. Connections are kept alive
when the server allows it (gunicorn's gthread worker) and opened per request when it closes
them (its sync worker); a request that finds its kept-alive connection closed by the server
before any answer byte is sent again on a new one. At most `max_in_flight` requests are
outstanding; a request that has to wait for a free slot is still timed from when it was due.

Used by rush.py for the "p99 at half the maximum rate" phase; wrk, which cannot pace
requests, does the closed-loop phases.
"""

import asyncio
import json
import math
import time
from dataclasses import dataclass


@dataclass
class Result:
    index: int
    due: float  # seconds since the phase started
    sent: float
    done: float
    status: int  # 0: connection or protocol error
    kind: str  # a registration's status, an error's code, or ""
    registration_id: int | None = None
    waitlist_position: int | None = None
    error: str = ""


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer


def _request_bytes(host: str, port: int, line: str) -> bytes:
    method, path, bearer = line.split()
    headers = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    body = b""
    if bearer != "-":
        headers.append(f"Authorization: Bearer {bearer}")
    if method == "POST":
        body = b"{}"
        headers += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def _exchange(conn: _Connection, payload: bytes) -> tuple[int, bytes, bool]:
    """Send one request and read its response: (status, body, connection reusable)."""
    conn.writer.write(payload)
    await conn.writer.drain()
    head = await conn.reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await conn.reader.readexactly(int(headers["content-length"]))
        reusable = headers.get("connection", "").lower() != "close"
    else:
        body = await conn.reader.read()
        reusable = False
    return status, body, reusable


def _classify(status: int, body: bytes) -> tuple[str, int | None, int | None]:
    try:
        data = json.loads(body)
    except ValueError:
        return "", None, None
    if not isinstance(data, dict):
        return "", None, None
    kind = data.get("status") if isinstance(data.get("status"), str) else data.get("code", "")
    return str(kind or ""), data.get("id") if status == 201 else None, data.get("waitlist_position")


async def open_loop(
    host: str, port: int, lines: list[str], *, rate: float, duration: float, max_in_flight: int = 256
) -> tuple[list[Result], dict]:
    """Send lines[0], lines[1], ... at `rate` per second for `duration` seconds."""
    count = min(len(lines), int(rate * duration))
    idle: list[_Connection] = []
    slots = asyncio.Semaphore(max_in_flight)
    results: list[Result] = []
    loop = asyncio.get_running_loop()
    cpu_started = time.process_time()
    start = loop.time()

    async def one(index: int, due: float) -> None:
        async with slots:
            sent = loop.time() - start
            conn = idle.pop() if idle else None
            payload = _request_bytes(host, port, lines[index])
            try:
                if conn is not None:
                    try:
                        status, body, reusable = await _exchange(conn, payload)
                    except (OSError, asyncio.IncompleteReadError) as error:
                        # The server closed a kept-alive connection while it was idle (gthread's
                        # keep-alive timeout) before reading this request: send it again on a
                        # new connection, as HTTP clients do.
                        if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                            raise
                        conn.writer.close()
                        conn = None
                if conn is None:
                    reader, writer = await asyncio.open_connection(host, port)
                    conn = _Connection(reader, writer)
                    status, body, reusable = await _exchange(conn, payload)
                done = loop.time() - start
                kind, registration_id, position = _classify(status, body)
                results.append(Result(index, due, sent, done, status, kind, registration_id, position))
                if reusable:
                    idle.append(conn)
                else:
                    conn.writer.close()
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
                results.append(Result(index, due, sent, loop.time() - start, 0, "", error=type(error).__name__))
                if conn is not None:
                    conn.writer.close()

    tasks = []
    for index in range(count):
        due = index / rate
        delay = start + due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    for conn in idle:
        conn.writer.close()
    stats = {
        "offered_rate": rate,
        "scheduled": count,
        "elapsed_s": elapsed,
        "client_cpu_s": time.process_time() - cpu_started,
    }
    return sorted(results, key=lambda r: r.index), stats


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]
