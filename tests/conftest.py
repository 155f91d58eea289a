"""Fixtures shared by every test module (factories live in tests/factories.py)."""

import contextlib
from collections.abc import Iterator

import pytest

from annotations.ingest.services import article_ingest
from annotations.models import Article
from factcheck.celery import app as celery_app
from tests.factories import UserFactory

# The local web server of the intake tests (the local_site fixture).
pytest_plugins = ["tests.pages"]

# Port 1 on the loopback: nothing listens, so connecting is refused at once.
DEAD_BROKER_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def user(db):
    return UserFactory()


def celery_pools_reset() -> None:
    """Make Celery look its pools up again for the current broker_url.

    Celery keeps the pools of the first broker it used (no public API to drop them); kombu
    keeps one pool per broker URL, so the old ones are only dropped here, not closed.
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_broker(url: str, *, eager: bool = False, **transport_options) -> Iterator[None]:
    """Publish this process's tasks to ``url`` (not run in-process) until the block exits."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)
    conf.broker_url = url
    conf.broker_transport_options = transport_options
    conf.task_always_eager = eager
    celery_pools_reset()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
        celery_pools_reset()


@pytest.fixture
def broker_down() -> Iterator[str]:
    """Celery pointed at a broker that refuses connections, tasks not run in-process."""
    with celery_broker(DEAD_BROKER_URL, socket_connect_timeout=3, socket_timeout=3):
        yield DEAD_BROKER_URL


@pytest.fixture
def celery_eager() -> Iterator[None]:
    """Tasks run in-process, whatever the environment says (the unit-test default)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 costs ~0.3 s a user; tests create many users and need no real hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_token_memory():
    """Each test starts with no partner token remembered by this process (the ids of a
    previous test's rows come back after its rollback)."""
    from annotations.partners import tokens

    tokens._recent.clear()


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Ingest like the web form does; tagging (queued on commit) runs before this returns
    when tasks run in-process (the ``celery_eager`` fixture)."""

    def _ingest(text: str) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            article = article_ingest(text=text).article
        article.refresh_from_db()
        return article

    return _ingest
