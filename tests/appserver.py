"""Start and stop ``streamlit run app.py`` on a free loopback port; the chromium that drives it.

Not a test module: imported by tests/test_browser.py, tests/test_browser_hostile.py and
benchmarks/load_sessions.py. The server is polled on ``/_stcore/health`` instead of sleeping a fixed time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
"""Debian's chromium, offline and in a container (never ``playwright install``)."""
LOG_TAIL = 3000
"""Characters of the server's log quoted when it does not start."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(
    projects: Path, log: Path, *, timeout: float = 90.0, port: int | None = None, args: Sequence[str] = ()
) -> tuple[subprocess.Popen, str]:
    """Run ``streamlit run app.py`` headless on a free port of 127.0.0.1 with ``$KATVE_PROJECTS=projects``.

    ``port`` (default: a free one) and extra ``args`` of ``streamlit run`` (e.g. ``--secrets.files``) may be
    given. The server's output goes to ``log``. Returns the process and the base URL once ``/_stcore/health``
    answers ``ok``.

    Raises
    ------
    RuntimeError
        The server exited, or was not healthy within ``timeout`` seconds (it is stopped then); the message
        quotes the end of ``log``.
    """
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *args,
    ]  # fmt: skip
    env = {**os.environ, "KATVE_PROJECTS": str(projects), "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return proc, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_app(proc)
            raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.3)


def stop_app(proc: subprocess.Popen) -> None:
    """Stop the server: terminate, and kill it if it has not ended within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-LOG_TAIL:]
