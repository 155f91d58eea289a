"""The first run on a clean checkout, and start-up errors, as a new user meets them.

Each test runs the real commands (manage.py, celery, gunicorn, scripts/run.sh) as
subprocesses in the embedded default (SQLite and the filesystem broker) under a temporary
VAR_DIR, so nothing here touches the test database or the services of the other tests.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
PYTHON = sys.executable
SAMPLE = "seeds/000_6c896c902daceab2.txt"
# What the test runner's environment may carry that would change the embedded default.
_DROPPED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "AXES_ENABLED",
    "DJANGO_SETTINGS_MODULE",
    "SITE_URL",
    "FACTCHECK_ORG_URL",
}
# DEBUG off and no SECRET_KEY: an empty variable wins over .env (which `make install` writes).
NO_SECRET_KEY = {"DEBUG": "0", "SECRET_KEY": ""}


def embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    return {**env, "DEBUG": "1", "VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1", **extra}


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def background(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A long-running command in a session of its own, stopped with its children."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(predicate, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:g}s waiting for {what}; log:\n{log.read_text()}")


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


@pytest.mark.parametrize(
    "command",
    [
        [PYTHON, "manage.py", "ingest", SAMPLE, "--json"],
        [str(BIN / "celery"), "-A", "factcheck", "worker"],
        [str(BIN / "gunicorn"), "factcheck.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
    ],
    ids=["manage.py", "celery", "gunicorn"],
)
def test_a_missing_secret_key_is_one_line_naming_the_variable(command, tmp_path):
    result = run(command, embedded_env(tmp_path, **NO_SECRET_KEY), timeout=60)

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "configuration error: SECRET_KEY is required when DEBUG is off" in output
    assert "Traceback" not in output


def test_a_malformed_variable_stops_manage_py_with_its_name(tmp_path):
    result = run([PYTHON, "manage.py", "check"], embedded_env(tmp_path, SITE_URL="notaurl"))

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: Environment variable \"SITE_URL\" invalid: ['Not a valid URL.']"
    ]


def test_the_organisation_url_follows_the_site_url_unless_set(tmp_path):
    show = [PYTHON, "manage.py", "shell", "-v", "0", "-c", "from django.conf import settings as s; "
            "print(s.SITE_URL, s.FACTCHECK_ORG_URL)"]  # fmt: skip
    env = embedded_env(tmp_path, SITE_URL="https://desk.example.org/")

    assert run(show, env).stdout.split() == [
        "https://desk.example.org",
        "https://desk.example.org/",
    ]
    env["FACTCHECK_ORG_URL"] = "https://example.org/about/"
    assert run(show, env).stdout.split()[1] == "https://example.org/about/"


def test_a_command_on_a_database_never_migrated_says_what_to_run(tmp_path):
    result = run([PYTHON, "manage.py", "ingest", SAMPLE, "--json"], embedded_env(tmp_path))

    assert result.returncode == 1
    assert re.fullmatch(
        r"CommandError: the database is not set up \(\d+ migration\(s\) to apply\): "
        r"run `make run` once, or `manage\.py migrate`\.",
        result.stderr.strip(),
    )
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_a_worker_started_by_hand_on_a_fresh_checkout_tags_an_ingested_article(tmp_path):
    var_dir = tmp_path / "var"  # does not exist: no broker folders yet
    env = embedded_env(var_dir)
    log = tmp_path / "worker.log"
    worker_cmd = [str(BIN / "celery"), "-A", "factcheck", "worker", "--concurrency", "1",
                  "--without-heartbeat", "--without-gossip", "--without-mingle",
                  "--loglevel", "INFO"]  # fmt: skip

    with background(worker_cmd, env, log) as worker:
        wait_until(
            lambda: " ready." in log.read_text() or worker.poll() is not None,
            timeout=60, what="the worker to start", log=log,
        )  # fmt: skip
        assert worker.poll() is None, log.read_text()
        assert run([PYTHON, "manage.py", "migrate", "-v", "0"], env).returncode == 0
        result = run(
            [PYTHON, "manage.py", "ingest", SAMPLE, "--json", "--wait", "--timeout", "90"], env
        )

    assert result.returncode == 0, result.stderr + log.read_text()
    article = json.loads(result.stdout)
    assert article["tagging"]["state"] == "succeeded"
    assert ("Zelenskyy", "PERSON") in {(m["text"], m["label"]) for m in article["entities"]}


@pytest.mark.integration
def test_make_run_serves_the_login_page_on_the_address_it_prints(tmp_path):
    port = free_port()
    env = embedded_env(tmp_path / "var", RUN_ADDR=f"127.0.0.1:{port}")
    env.pop("DEBUG")  # run.sh turns it on by itself
    log = tmp_path / "run.log"

    with background(["bash", "scripts/run.sh"], env, log) as make_run:
        wait_until(
            lambda: http_status(f"http://127.0.0.1:{port}/login/") == 200
            or make_run.poll() is not None,
            timeout=90, what="the login page", log=log,
        )  # fmt: skip
        output = log.read_text()

    assert f"Open http://127.0.0.1:{port}/ " in output
    assert "Demo reviewer: username 'reviewer', password" in output
    assert "Traceback" not in output
