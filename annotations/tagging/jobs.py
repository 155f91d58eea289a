"""Entity tagging: queue a job, claim it, replace the model's mentions, sweep lost jobs.

The same job runs the check-worthiness model's pass over the article's statements (the
rules' provisional set from ingestion is confirmed, re-scored or dropped; statements a
person has touched are never changed: annotations.ingest.services.statements_reconcile).

The TaggingJob row, not the broker, is the source of truth. A job moves
queued → running → succeeded | failed. Every step is safe to repeat:

- enqueue never raises: if the broker is down the job stays queued (with last_error) and
  the sweep re-enqueues it later;
- claim is a conditional UPDATE; the write phase locks the job row and writes only while
  the job is still "running", so two deliveries of one job never both write;
- a re-run replaces the model's mentions of the article in one transaction and leaves
  reviewers' (source="human") mentions alone.

Canonical entities are resolved in annotations.tagging.resolution (its docstring has the
cross-article policy).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotations.core.jobs import error_short, job_note, jobs_requeue, tagging_job_enqueue
from annotations.ingest.services import statements_reconcile
from annotations.models import Article, EntityMention, TaggingJob
from annotations.nlp.entities import (
    EntityCluster,
    ModelInfo,
    entities_cluster,
    entities_find,
    model_info,
    nlp_get,
)
from annotations.nlp.statements import DetectedStatement, sentences_assess, statements_decide
from annotations.nlp.statements.model import SentenceScoring, checkworthiness_model_get
from annotations.tagging.learned import learned_names_applied, learned_patterns_current
from annotations.tagging.resolution import entities_resolve

logger = logging.getLogger(__name__)

PENDING = TaggingJob.PENDING_STATES
# Deliveries of one job, counting Celery's retries, redeliveries and sweeps: an article that
# keeps killing its worker (memory, hard time limit) must end up "failed", not loop forever.
TAGGING_MAX_ATTEMPTS = 8
SWEEP_BATCH_SIZE = 500
# Runs of the write phase when concurrent taggers race on the same entities.
WRITE_ATTEMPTS = 3


# --- Queueing ---------------------------------------------------------------------------


def tagging_job_retry(*, article_id: int) -> TaggingJob:
    """Queue the article for tagging again ("Re-run tagging"); a running job is left alone.

    Raises Article.DoesNotExist for an unknown article.
    """
    article = Article.objects.only("pk").get(pk=article_id)
    with transaction.atomic():
        job, _ = TaggingJob.objects.select_for_update().get_or_create(
            article=article, defaults={"queued_at": timezone.now()}
        )
        if job.state == TaggingJob.State.RUNNING:
            return job
        # attempts restarts: the cap is per request to tag, not per article lifetime.
        job.state = TaggingJob.State.QUEUED
        job.attempts = 0
        job.last_error = ""
        job.queued_at = timezone.now()
        job.started_at = job.finished_at = job.duration_ms = None
        job.save()
        transaction.on_commit(lambda: tagging_job_enqueue(article_id=article.pk))
    return job


def tagging_jobs_requeue_stale(*, now: datetime | None = None) -> int:
    """Re-enqueue jobs that look lost; returns how many were published to the broker.

    Lost means queued for longer than TAGGING_STALE_QUEUED_SECONDS (the broker was down or
    lost the message) or running for longer than TAGGING_STALE_RUNNING_SECONDS (longer
    than the hard time limit, so its worker is gone).
    """
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.TAGGING_STALE_QUEUED_SECONDS)
    running_before = now - timedelta(seconds=settings.TAGGING_STALE_RUNNING_SECONDS)
    stale_queued = Q(state=TaggingJob.State.QUEUED, queued_at__lt=queued_before)
    stale_running = Q(state=TaggingJob.State.RUNNING, started_at__lt=running_before)
    candidates = list(
        TaggingJob.objects.filter(stale_queued | stale_running)
        .order_by("queued_at")
        .values_list("pk", "article_id")[:SWEEP_BATCH_SIZE]
    )
    requeued = jobs_requeue(
        rows=TaggingJob.objects.filter(stale_queued | stale_running),
        candidates=candidates,
        reclaim={"state": TaggingJob.State.QUEUED, "queued_at": now},
        publish=lambda article_id: tagging_job_enqueue(article_id=article_id),
    )
    if requeued:
        logger.info("Re-enqueued %d stale tagging job(s)", requeued)
    return requeued


# --- Running ----------------------------------------------------------------------------


def tagging_job_claim(*, article_id: int) -> bool:
    """Mark the job running and count the attempt; False if there is nothing to do."""
    now = timezone.now()
    # A conditional UPDATE is an atomic test-and-set: a job already succeeded or failed is
    # not touched, so a duplicate message is a no-op. "running" is claimable on purpose: a
    # message redelivered after its worker was killed finds the job still "running" and
    # must take over. Two live deliveries can therefore both claim; the write phase (row
    # lock + state check) lets only the first of them write.
    claimed = TaggingJob.objects.filter(
        article_id=article_id, state__in=PENDING, attempts__lt=TAGGING_MAX_ATTEMPTS
    ).update(
        state=TaggingJob.State.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
    )
    if claimed:
        return True
    gave_up = TaggingJob.objects.filter(article_id=article_id, state__in=PENDING).update(
        state=TaggingJob.State.FAILED,
        finished_at=now,
        last_error=f"gave up after {TAGGING_MAX_ATTEMPTS} attempts",
    )
    if gave_up:
        logger.error(
            "Tagging of article %s gave up after %d attempts", article_id, TAGGING_MAX_ATTEMPTS
        )
    elif not TaggingJob.objects.filter(article_id=article_id).exists():
        logger.warning("No tagging job for article %s (unknown or deleted article)", article_id)
    return False


def tagging_job_fail(*, article_id: int, error: str) -> None:
    """Record a failure on a pending job (a finished job keeps its outcome)."""
    try:
        TaggingJob.objects.filter(article_id=article_id, state__in=PENDING).update(
            state=TaggingJob.State.FAILED, finished_at=timezone.now(), last_error=error_short(error)
        )
    except DatabaseError:
        # The database may be why the task failed; the sweep will find the job later.
        logger.exception("Could not mark tagging of article %s as failed", article_id)


def tagging_job_note_retry(*, article_id: int, error: str) -> None:
    """Show why a running job is being retried, without changing its state."""
    job_note(
        rows=TaggingJob.objects.filter(article_id=article_id, state__in=PENDING),
        error=f"retrying: {error}",
        what=f"the tagging of article {article_id}",
    )


def article_entities_tag(*, article_id: int) -> TaggingJob | None:
    """Tag an article's entities: claim its job, run the model, write the mentions.

    Returns the finished job, or None when there was nothing to do (job finished already,
    unknown article, or another delivery wrote first).
    """
    if not tagging_job_claim(article_id=article_id):
        return None
    started = time.monotonic()
    body = Article.objects.filter(pk=article_id).values_list("body", flat=True).first()
    if body is None:
        return None
    # The models run outside any transaction: no lock is held during the slow part.
    nlp = nlp_get()
    model = checkworthiness_model_get()  # loaded here: never by two threads at once
    # The desk's learned names go in front of the model (annotations.tagging.learned).
    # Read before the scoring thread starts: the query took 2.7 ms a task beside a thread
    # just starting, 0.5 ms before it (100 of `make bench`'s articles).
    learned = learned_patterns_current()
    # The rules' pass first, on this thread: it says which sentences the check-worthiness
    # model must score (vetoed ones never are). spaCy takes the GIL back thousands of
    # times an article, so Python on another thread stalls it (a bare Python loop beside
    # it made it 200x slower here); the scoring is nearly all tokenizer and onnxruntime,
    # which run outside the GIL. So the model scores on a second thread while spaCy runs
    # on this one, then this thread joins in on what is left: an article takes about half
    # of both models' time on two cores, not their sum (the 200 articles of `make bench`:
    # 15.3 s for both, against 15.2 s for spaCy alone and 16.3 s for the model alone).
    # The thread touches no database.
    rules = sentences_assess(body)
    scoring = SentenceScoring(sentences=rules.candidate_texts, model=model)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkworthiness") as pool:
        helper = pool.submit(scoring.run)
        found = entities_find(body, nlp=nlp, learned=learned)
        clusters = entities_cluster(found.spans)
        scoring.run()
        helper.result()
    statements = statements_decide(rules, model=model, scores=scoring.scores())
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return mentions_replace(
                article_id=article_id,
                clusters=clusters,
                statements=statements,
                model=model_info(nlp),
                started=started,
                learned_applied=found.applied,
            )
        except (IntegrityError, OperationalError) as exc:
            # A concurrent tagger merged an entity this write was using, or the two
            # deadlocked on alias rows. The write phase is one transaction, rolled back
            # whole, so it is run again (and it re-reads the aliases); a real fault
            # still raises after the last attempt.
            if attempt == WRITE_ATTEMPTS or not _is_write_race(exc):
                raise
            logger.info("Tagging of article %s: write raced (%s), again", article_id, exc)
    return None


def _is_write_race(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    # PostgreSQL's deadlock_detected and serialization_failure.
    return getattr(exc.__cause__, "sqlstate", None) in {"40P01", "40001"}


@transaction.atomic
def mentions_replace(
    *,
    article_id: int,
    clusters: Sequence[EntityCluster],
    statements: Sequence[DetectedStatement] | None = None,
    model: ModelInfo,
    started: float,
    learned_applied: Mapping[str, int] | None = None,
) -> TaggingJob | None:
    """Replace the article's model mentions with ``clusters``, make its machine statements
    the check-worthiness model's ``statements`` (None leaves them alone), and mark the
    job succeeded."""
    # The row lock serialises writers of the same article; the state check makes the
    # second one a no-op. mention_model_unique would stop duplicates even without it.
    job = TaggingJob.objects.select_for_update().filter(article_id=article_id).first()
    if job is None or job.state != TaggingJob.State.RUNNING:
        logger.info("Tagging of article %s already settled, result discarded", article_id)
        return None

    if statements is not None:
        statements_reconcile(article_id=article_id, detected=statements)
    human = list(
        EntityMention.objects.filter(
            article_id=article_id, source=EntityMention.Source.HUMAN
        ).values_list("start", "end")
    )
    clusters = _clusters_without_overlaps(clusters, taken=human)
    EntityMention.objects.filter(article_id=article_id, source=EntityMention.Source.MODEL).delete()
    entities = entities_resolve(clusters=clusters)
    mentions = EntityMention.objects.bulk_create(
        EntityMention(
            article_id=article_id,
            entity=entity,
            start=span.start,
            end=span.end,
            text=span.text,
            label=span.label,
            source=EntityMention.Source.MODEL,
            model_name=model.name,
            model_version=model.version,
        )
        for cluster, entity in zip(clusters, entities, strict=True)
        for span in cluster.spans
    )
    learned_names_applied(counts=learned_applied or {})

    job.state = TaggingJob.State.SUCCEEDED
    job.last_error = ""
    job.model_name = model.name
    job.model_version = model.version
    job.finished_at = timezone.now()
    job.duration_ms = round((time.monotonic() - started) * 1000)
    job.mention_count = len(mentions)
    job.save(
        update_fields=[
            "state", "last_error", "model_name", "model_version", "finished_at",
            "duration_ms", "mention_count",
        ]
    )  # fmt: skip
    return job


def _clusters_without_overlaps(
    clusters: Sequence[EntityCluster], *, taken: list[tuple[int, int]]
) -> list[EntityCluster]:
    """Drop model spans overlapping a reviewer's mention: the human correction wins."""
    if not taken:
        return list(clusters)
    kept = []
    for cluster in clusters:
        spans = tuple(
            s
            for s in cluster.spans
            if not any(s.start < end and start < s.end for start, end in taken)
        )
        if spans:
            kept.append(
                EntityCluster(
                    label=cluster.label,
                    name=cluster.name,
                    keys=cluster.keys,
                    weak_keys=cluster.weak_keys,
                    spans=spans,
                )
            )
    return kept
