"""Real processes for integration tests: a redis-server of the test's own and gunicorn
serving the site, each on a free loopback port, each killed at teardown.

A gunicorn that reads the database needs PostgreSQL: the SQLite test database lives in
the memory of the pytest process. Missing services skip the test, or fail it with
REQUIRE_SERVICES=1 (CI).
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connections

START_SECONDS = 30


def service_unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def subprocess_database_url() -> str:
    """DATABASE_URL of the test database, for another process (PostgreSQL only)."""
    db = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        service_unavailable(
            "a server process needs PostgreSQL (DATABASE_URL=postgres://...): it cannot see "
            "the in-memory SQLite test database of this process"
        )
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


def _wait(predicate, *, what: str, log: "Path | None" = None) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    tail = f"\nlog:\n{log.read_text(errors='replace')[-3000:]}" if log else ""
    pytest.fail(f"timed out after {START_SECONDS}s waiting for {what}{tail}")


class RedisServer:
    """``redis-server`` on a free port, no persistence; ``kill()`` is the outage."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            service_unavailable("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait(self._answers, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


class Gunicorn:
    """``gunicorn factcheck.wsgi`` in production mode (DEBUG off), its log in a file."""

    def __init__(self, *, env: dict[str, str], log: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        full_env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "live-test-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            # Plain HTTP on the loopback: no redirect to https (on by default with DEBUG off).
            "SECURE_SSL_REDIRECT": "0",
            # pytest-env turns eager tasks on for this process; a server publishes them.
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "API_SYNC_LAG_SECONDS": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore:No directory at",
            **env,
        }
        binary = Path(settings.BASE_DIR) / ".venv" / "bin" / "gunicorn"
        command = [str(binary) if binary.exists() else "gunicorn", "factcheck.wsgi",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                   "--timeout", "60", "--graceful-timeout", "5",
                   # A fuzzed query string can pass gunicorn's 4 KB request line, and its
                   # own 414 (HTML, not the app's) is no finding about the API: no limit.
                   "--limit-request-line", "0"]  # fmt: skip
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait(self._answers, what="gunicorn to answer", log=log)

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"gunicorn exited at start:\n{self.log()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/api/schema/", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
