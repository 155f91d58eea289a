"""Read-side queries (HackSoft style): each returns what one page or command needs, in a
fixed number of queries."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from annotations.models import Article, EntityMention, Statement, TaggingJob


def article_list(*, search: str = "") -> QuerySet[Article]:
    """Articles newest first, with their statement counts and tagging state in one query."""
    qs = Article.objects.select_related("tagging_job").annotate(
        statement_count=Count("statements", distinct=True),
    )
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(statements__text__icontains=search))
        qs = qs.distinct()
    # Explicit: Meta.ordering is ignored in GROUP BY queries.
    return qs.defer("body").order_by("-created_at", "-id")


def article_get(*, article_id: int) -> Article | None:
    return Article.objects.select_related("tagging_job", "created_by").filter(pk=article_id).first()


def statement_list(*, article: Article) -> list[Statement]:
    return list(Statement.objects.filter(article=article).order_by("start", "end"))


def mention_list(*, article: Article) -> list[EntityMention]:
    return list(
        EntityMention.objects.filter(article=article)
        .select_related("entity")
        .order_by("start", "end")
    )


def tagging_state(*, article: Article) -> str:
    job: TaggingJob | None = getattr(article, "tagging_job", None)
    return job.state if job else "none"


def article_as_dict(*, article: Article, with_entities: bool = False) -> dict[str, Any]:
    """The article as the CLI (`ingest --json`) and, later, the API print it."""
    data: dict[str, Any] = {
        "id": article.pk,
        "title": article.title,
        "sha256": article.body_sha256,
        "source_url": article.source_url,
        "publisher": article.publisher,
        "statements": [
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "score": s.score,
                "reasons": s.reasons,
                "figures": s.figures,
                "speaker": s.speaker or None,
            }
            for s in statement_list(article=article)
        ],
        "tagging": {"state": tagging_state(article=article)},
    }
    if with_entities:
        data["entities"] = [
            {
                "text": m.text,
                "label": m.label,
                "start": m.start,
                "end": m.end,
                "entity": m.entity.name,
                "source": m.source,
            }
            for m in mention_list(article=article)
        ]
    return data
