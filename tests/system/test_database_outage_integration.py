"""A brief PostgreSQL outage, through a real gunicorn and a TCP proxy in front of PostgreSQL.

gunicorn runs as in production (DEBUG off, sync workers, persistent connections with the
default CONN_MAX_AGE) against pytest-django's test database, but through a proxy in this
process that can cut every open connection and refuse new ones. Nothing is mocked: the
workers hold real connections that really break. Needs PostgreSQL (the SQLite test
database lives in this process's memory); skipped without it, failed with REQUIRE_SERVICES=1.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connections

from annotations.models import Partner
from annotations.partners.tokens import partner_token_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WORKERS = 4
START_SECONDS = 60


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


class TcpProxy:
    """Forwards a port on 127.0.0.1 to ``upstream``; ``outage()`` cuts every open connection
    and refuses new ones (the port is closed) until ``restore()``."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._pairs: list[tuple[socket.socket, socket.socket]] = []  # (client, server)
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stopped = threading.Event()
        self.restore()

    def restore(self) -> None:
        # The same port again, so the workers' DATABASE_URL still points here.
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(0.1)  # so that the accept loop notices an outage
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopped.clear()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def outage(self) -> None:
        self._listener = None  # the accept loop closes the port
        self._stopped.wait()
        with self._lock:
            doomed, self._pairs = self._pairs, []
        for pair in doomed:
            for sock in pair:
                self._close(sock)

    close = outage

    def open_connections(self) -> int:
        with self._lock:
            return sum(1 for client, _ in self._pairs if client.fileno() != -1)

    def _accept(self, listener: socket.socket) -> None:
        # Closing a socket does not wake a thread blocked in accept(), and the port stays
        # open until it returns: this thread closes its own listener.
        with listener:
            while self._listener is listener:
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                self._forward(client)
        self._stopped.set()

    def _forward(self, client: socket.socket) -> None:
        client.settimeout(None)
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        with self._lock:
            self._pairs.append((client, server))
        for src, dst in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._close(src)
            self._close(dst)

    @staticmethod
    def _close(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by the other side
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


@pytest.fixture
def db_proxy(django_db_setup) -> Iterator[TcpProxy]:
    if connections["default"].vendor != "postgresql":
        _unavailable("the outage test needs PostgreSQL (DATABASE_URL=postgres://...)")
    db = connections["default"].settings_dict
    proxy = TcpProxy((db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def gunicorn(db_proxy, tmp_path) -> Iterator[str]:
    """gunicorn on a free port of 127.0.0.1, its database reached through ``db_proxy``."""
    db = connections["default"].settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        # As in production: DEBUG off and the settings' own CONN_MAX_AGE.
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "DATABASE_URL": f"postgres://{db['USER']}{password}@127.0.0.1:{db_proxy.port}/{db['NAME']}",
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    log = tmp_path / "gunicorn.log"
    cmd = [
        sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--bind", "127.0.0.1:0",
        "--workers", str(WORKERS), "--log-level", "info", "--error-logfile", str(log),
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            cmd, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield _wait_listening(server, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_listening(server: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        booted = text.count("Booting worker")
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
        if match and booted >= WORKERS:
            return match.group(1)
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited at start:\n{text[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not start within {START_SECONDS} s:\n{text[-3000:]}")


def _statuses(base_url: str, token: str, n: int, *, threads: int = 1) -> list[int]:
    """Status codes of ``n`` GETs of the partner API (each authenticates its token in the
    database), sent from ``threads`` concurrent clients."""
    statuses: list[int] = []
    lock = threading.Lock()

    def client_loop(count: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            for _ in range(count):
                status = http.get(
                    "/api/v1/articles/", headers={"Authorization": f"Bearer {token}"}
                ).status_code
                with lock:
                    statuses.append(status)

    loops = [threading.Thread(target=client_loop, args=(n // threads,)) for _ in range(threads)]
    for loop in loops:
        loop.start()
    for loop in loops:
        loop.join()
    return statuses


def test_after_a_brief_database_outage_every_request_succeeds_again(db_proxy, gunicorn):
    token = partner_token_create(name="Outage partner").secret
    Partner.objects.filter(name="Outage partner").update(rate_per_minute=1_000_000)
    # Concurrent requests until every worker holds its persistent connection.
    for _ in range(10):
        assert set(_statuses(gunicorn, token, 40, threads=8)) == {200}
        if db_proxy.open_connections() >= WORKERS:
            break
    assert db_proxy.open_connections() == WORKERS

    db_proxy.outage()  # every worker's connection is cut; new ones are refused
    time.sleep(1)
    db_proxy.restore()  # the database answers again

    statuses = _statuses(gunicorn, token, 24)
    assert statuses == [200] * 24, f"{24 - statuses.count(200)} of 24 failed: {statuses}"
