"""The app under gunicorn on a free port of 127.0.0.1, for the scripts that drive it from outside
(`make tour`, `make fuzz`): started, waited for, and stopped with its whole process group."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    for _ in range(50):
        port = random.randint(8100, 8999)  # noqa: S311 - any free port will do
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port between 8100 and 8999.")


def server_start(env: dict[str, str], port: int, log_path: Path, *, ready_path: str) -> subprocess.Popen:
    """Start the app and return once `ready_path` answers (within 60 s), its output in `log_path`."""
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [str(GUNICORN), "config.wsgi", "--config", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The server stopped at start; see {log_path}.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5):  # noqa: S310
                return server
        except urllib.error.HTTPError as error:
            server_stop(server)
            log_tail = "".join(log_path.read_text().splitlines(keepends=True)[-12:])
            raise RuntimeError(f"The app answers {error.code} at {ready_path}:\n{log_tail}") from error
        except OSError:
            time.sleep(0.3)
    server_stop(server)
    raise RuntimeError("The server did not answer within 60 s.")


def server_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
