"""Article ingestion: validate the text, store it, split it into checkable statements,
and queue entity tagging once the transaction has committed."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.core.errors import InvalidInput
from annotations.core.jobs import tagging_job_enqueue
from annotations.core.rows import rows_update
from annotations.ingest.pages import FetchedPage, page_extract
from annotations.ingest.revisions import (
    RevisionCarry,
    article_revision_latest,
    figure_dicts,
    revision_carry,
)
from annotations.models import (
    ArchivedSource,
    Article,
    Statement,
    StatementEmbedding,
    TaggingJob,
    statement_untouched_q,
)
from annotations.nlp.statements import DetectedStatement, statements_detect


class ArticleInputError(ValueError):
    """The submitted text cannot be ingested; the message is shown to the user as is."""


def _date_future(value: date | None) -> bool:
    """Later than tomorrow here: a day no time zone has reached yet."""
    return value is not None and value > timezone.localdate() + timedelta(days=1)


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool  # False when the same text had been ingested before
    revised: RevisionCarry | None = None  # set when the text is a new revision


TITLE_MAX_CHARS = 300


def article_text_decode(*, raw: bytes) -> str:
    """Decode an uploaded or read file as UTF-8 text, refusing binaries with a clear message."""
    if len(raw) > settings.ARTICLE_MAX_CHARS * 4:
        raise ArticleInputError(article_size_message())
    if b"\x00" in raw:
        raise ArticleInputError("this looks like a binary file, not UTF-8 text")
    try:
        # utf-8-sig drops a byte-order mark, which is encoding, not text.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleInputError(
            f"the file is not valid UTF-8 text (bad byte at position {exc.start})"
        ) from None


def article_size_message() -> str:
    return f"the text is longer than {settings.ARTICLE_MAX_CHARS:,} characters"


def article_body_clean(*, text: str) -> str:
    """Normalise line endings (browsers send CRLF) and check that the text is usable.

    Only line endings change: the body is otherwise stored exactly as given, because every
    statement and mention points into it by character offset.
    """
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if not body.strip():
        raise ArticleInputError("the text is empty")
    if len(body) > settings.ARTICLE_MAX_CHARS:
        raise ArticleInputError(article_size_message())
    control = sum(1 for ch in body if ord(ch) < 32 and ch not in "\n\t")
    if "\x00" in body or control > max(10, len(body) // 100):
        raise ArticleInputError("the text contains control characters; is it a binary file?")
    return body


def article_title_default(*, body: str) -> str:
    """A title from the first line, cut at a word boundary: articles often come untitled."""
    first_line = body.strip().split("\n", 1)[0].strip()
    if len(first_line) <= 120:
        return first_line
    return first_line[:120].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def article_ingest(
    *,
    text: str,
    title: str = "",
    source_url: str = "",
    publisher: str = "",
    published_on: date | None = None,
    language: str = "en",
    channel: str = Article.Channel.WEB,
    created_by: User | None = None,
    archive: FetchedPage | None = None,
    revision_of: Article | None = None,
) -> IngestResult:
    """Store an article with its statements and a queued tagging job (and the page it came
    from, ``archive``), all or nothing.

    Ingesting the same text again returns the existing article (matched on the sha256 of
    the body) and changes nothing. A new text for ``revision_of``, or with the source URL
    of an article already here, is that article's next revision: the desk's statements,
    verdicts and marks are carried onto it (ingest.revisions). Title, source URL,
    publisher and date not given are the previous revision's.
    """
    if _date_future(published_on):
        raise InvalidInput(
            f"{published_on} is a date in the future: give the day the article was published.",
            field="published_on",
        )
    body = article_body_clean(text=text)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    existing = Article.objects.filter(body_sha256=digest).first()
    if existing is not None:
        return IngestResult(article=existing, created=False)

    previous = revision_of or article_revision_latest(source_url=source_url)
    title = (title or "").strip() or (previous.title if previous else "")
    title = title or article_title_default(body=body)
    if len(title) > TITLE_MAX_CHARS:
        raise ArticleInputError(f"the title is longer than {TITLE_MAX_CHARS} characters")

    try:
        with transaction.atomic():
            if previous is not None:
                previous = _revision_lock(previous)
            article = Article.objects.create(
                title=title,
                body=body,
                body_sha256=digest,
                source_url=source_url or (previous.source_url if previous else ""),
                publisher=publisher or (previous.publisher if previous else ""),
                published_on=published_on or (previous.published_on if previous else None),
                language=language,
                channel=channel,
                created_by=created_by,
                previous_revision=previous,
                revision=previous.revision + 1 if previous else 1,
            )
            statements_create(article=article)
            revised = None
            if previous is not None:
                revised = revision_carry(previous=previous, article=article, user=created_by)
            if archive is not None:
                ArchivedSource.objects.create(
                    article=article,
                    content=archive.content,
                    content_type=archive.content_type,
                    sha256=archive.sha256,
                    final_url=archive.final_url,
                    fetched_at=archive.fetched_at,
                )
            TaggingJob.objects.create(article=article, queued_at=timezone.now())
            transaction.on_commit(lambda: tagging_job_enqueue(article_id=article.pk))
    except IntegrityError:
        # Someone ingested the same text at the same moment: theirs won, return it.
        existing = Article.objects.filter(body_sha256=digest).first()
        if existing is not None:
            return IngestResult(article=existing, created=False)
        if previous is not None:  # or revised the same article (one next revision only)
            raise ArticleInputError(_REVISED_MEANWHILE) from None
        raise
    return IngestResult(article=article, created=True, revised=revised)


_REVISED_MEANWHILE = (
    "this article was revised by someone else a moment ago; open its newest revision and "
    "send the text again"
)


def _revision_lock(previous: Article) -> Article:
    # The lock serialises two revisions of one article (PostgreSQL; on SQLite writes are
    # serial anyway); the OneToOne on previous_revision is the backstop.
    locked = Article.objects.select_for_update().get(pk=previous.pk)
    newer = Article.objects.filter(previous_revision=locked).values_list("revision", flat=True)
    if newer:
        raise ArticleInputError(
            f"revision {locked.revision} of this article already has a newer revision "
            f"({newer[0]}): revise that one"
        )
    return locked


def article_page_ingest(
    *,
    page: FetchedPage,
    title: str = "",
    publisher: str = "",
    published_on: date | None = None,
    language: str = "en",
    channel: str = Article.Channel.WEB,
    created_by: User | None = None,
    field: str = "url",
    revision_of: Article | None = None,
) -> IngestResult:
    """Ingest the article a fetched or uploaded page holds, with the page archived beside
    it. A title, publisher or date given here wins over the page's own; ``field`` is the
    input an unusable page is reported beside."""
    extracted = page_extract(html=page.content, url=page.final_url, field=field)
    return article_ingest(
        text=extracted.text,
        title=title.strip() or extracted.title,
        source_url=page.final_url,
        publisher=publisher.strip() or extracted.publisher,
        published_on=published_on or extracted.published_on,
        language=language,
        channel=channel,
        created_by=created_by,
        archive=page,
        revision_of=revision_of,
    )


def statements_create(*, article: Article) -> list[Statement]:
    """Detect the checkable statements of a freshly stored article and save them: the
    rules' provisional set, which the tagging job's model pass confirms or drops."""
    return Statement.objects.bulk_create(
        _statement_new(article_id=article.pk, detected=s) for s in statements_detect(article.body)
    )


def statements_reconcile(*, article_id: int, detected: Sequence[DetectedStatement]) -> int:
    """Make the article's machine statements the ``detected`` set (the model's pass).

    Statements a person has touched (statement_untouched_q) are left exactly as they are,
    and a detected sentence overlapping one is not added. Of the others, a statement still
    detected is re-scored in place (same row, so links to it stay valid), one no longer
    detected is deleted, and a new one is created. Running it twice changes nothing the
    second time. Call it inside the transaction that owns the article's tagging job.
    Returns how many statements the article has afterwards.
    """
    # Locking the untouched rows makes a reviewer who opens one of them now wait for this
    # transaction; the delete re-checks "untouched", so one touched meanwhile survives.
    untouched = {
        (row.start, row.end): row
        # of=self: PostgreSQL cannot lock the outer-joined side (events, verdict).
        for row in Statement.objects.select_for_update(of=("self",))
        .filter(statement_untouched_q(), article_id=article_id)
        .only("pk", "start", "end", *_MACHINE_FIELDS)
    }
    touched = list(
        Statement.objects.filter(article_id=article_id)
        .exclude(pk__in=[row.pk for row in untouched.values()])
        .values_list("start", "end")
    )
    wanted = [
        d for d in detected if not any(d.start < end and start < d.end for start, end in touched)
    ]
    kept, changed, created = 0, [], []
    changed_fields: set[str] = set()
    for d in wanted:
        row = untouched.pop((d.start, d.end), None)
        fresh = _statement_new(article_id=article_id, detected=d)
        if row is None:
            created.append(fresh)
            continue
        kept += 1
        # Only what differs is written (a re-run of the model usually changes nothing).
        differs = [f for f in _MACHINE_FIELDS if getattr(row, f) != getattr(fresh, f)]
        if differs:
            fresh.pk = row.pk
            changed.append(fresh)
            changed_fields.update(differs)
    if changed:
        rows_update(rows=changed, fields=sorted(changed_fields))
    if untouched:
        _statements_untouched_delete(pks=[row.pk for row in untouched.values()])
    if created:
        Statement.objects.bulk_create(created)
    return len(touched) + kept + len(created)


def _statements_untouched_delete(*, pks: list[int]) -> None:
    """Delete machine statements no longer detected, with their claim-matching vectors.

    Two DELETEs, not Django's collector: it would read the rows, their verdicts, events
    and published copies (four queries) only to find none, since an untouched statement
    has none; the rows are locked, so none can appear, and "untouched" is checked again
    in the DELETE itself. Any other row still pointing at one fails its foreign key. The
    vectors go by id alone: they are derived data, computed again when wanted.
    """
    doomed = Statement.objects.filter(statement_untouched_q(), pk__in=pks)
    StatementEmbedding.objects.filter(statement_id__in=pks)._raw_delete(doomed.db)
    doomed._raw_delete(doomed.db)


# What the machine decides about a statement; everything else belongs to people.
_MACHINE_FIELDS = ["text", "order", "score", "scored_by", "reasons", "figures", "speaker"]


def _statement_new(*, article_id: int, detected: DetectedStatement) -> Statement:
    return Statement(
        article_id=article_id,
        start=detected.start,
        end=detected.end,
        text=detected.text,
        order=detected.order,
        score=round(detected.score, 3),
        scored_by=detected.scored_by,
        reasons=list(detected.reasons),
        figures=figure_dicts(detected.figures),
        speaker=detected.speaker or "",
    )
