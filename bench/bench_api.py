"""The partner API's share of `make bench` (PostgreSQL only):

- the full NDJSON export of N published verdicts (default 100,000) beside PostgreSQL's own
  ``COPY (SELECT ...) TO STDOUT`` of the same rows in the same run, their ratio, and the
  export's peak Python memory (tracemalloc) at N/10 and N rows;
- p50/p95 latency of ``GET /api/v1/claimreviews/?page_size=100`` under 20 concurrent
  clients against gunicorn on 127.0.0.1.
"""

import os
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone

from annotations.models import Article, Partner, PublishedVerdict
from annotations.models.publishing import document_csv_line, document_json_dumps
from annotations.partners.tokens import partner_token_create
from annotations.publishing.claimreview import claimreview_document
from bench.rows import statements_bulk_create

BASE_DIR = Path(__file__).resolve().parent.parent
RATINGS = ["true", "mostly_true", "half_true", "mostly_false", "false", "misleading"]


def published_create(n: int) -> None:
    """n published verdicts over n/100 articles, written with bulk inserts."""
    reviewer = User.objects.create_user("bench-r")
    editor = User.objects.create_user("bench-e")
    per_article = 100
    sentence = "The minister said {i} schools closed and €{i} million was spent in 2024."
    now = timezone.now() - timedelta(hours=1)
    for a in range(0, n, per_article):
        lines = [sentence.format(i=a + i) for i in range(min(per_article, n - a))]
        body = "\n".join(lines)
        article = Article.objects.create(
            title=f"Bench article {a}",
            body=body,
            body_sha256=f"bench-{a}",
            source_url=f"https://news.example.org/{a}",
            publisher="Bench Daily",
        )
        statements = statements_bulk_create(
            article=article,
            lines=lines,
            score=0.9,
            reasons=["count"],
            review_state="approved",
            speaker="A Minister",
        )
        published = PublishedVerdict.objects.bulk_create(
            PublishedVerdict(
                statement=s,
                article=article,
                start=s.start,
                end=s.end,
                quote=s.text,
                rating=RATINGS[s.order % len(RATINGS)],
                explanation="The official figure differs; see the ministry's report.",
                sources=[
                    {
                        "url": "https://example.org/report",
                        "title": "Report",
                        "publisher": "Ministry",
                        "quote": "",
                        "accessed_at": now.isoformat(),
                    }
                ],
                verdict_version=1,
                reviewer=reviewer,
                approved_by=editor,
                first_published_at=now,
                published_at=now,
                modified_at=now + timedelta(microseconds=s.pk),
            )
            for s in statements
        )
        for p in published:  # the document is built after the row has its id, as editors do
            p.document = claimreview_document(p)
            p.document_json = document_json_dumps(p.document)
            p.document_csv = document_csv_line(p.document)
        fields = ["document", "document_json", "document_csv"]
        PublishedVerdict.objects.bulk_update(published, fields, batch_size=500)


COPY_SQL = """
COPY (
  SELECT p.id, p.rating, p.explanation, p.sources, p.first_published_at, p.modified_at,
         p.withdrawn_at, s.text, s.speaker, a.title, a.source_url, a.published_on, a.publisher
  FROM annotations_publishedverdict p
  JOIN annotations_statement s ON s.id = p.statement_id
  JOIN annotations_article a ON a.id = s.article_id
  ORDER BY p.modified_at, p.id
) TO STDOUT
"""


# The export's own query without the server around it: COPY of the stored documents.
COPY_DOCUMENTS_SQL = """
COPY (SELECT document_json FROM annotations_publishedverdict ORDER BY modified_at, id)
TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')
"""


def copy_time(query: str = COPY_SQL) -> tuple[float, int]:
    t0 = time.perf_counter()
    size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
        for chunk in copy:
            size += len(chunk)
    return time.perf_counter() - t0, size


def export_time(
    client: Client,
    headers: dict,
    *,
    trace: bool = False,
    limit: int | None = None,
    path: str = "/api/v1/export.ndjson",
):
    """(seconds, bytes, lines, peak traced bytes) of one full export (NDJSON or CSV)."""
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    size = lines = 0
    response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {response.content[:200]!r}")
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
        if limit and lines >= limit:
            break
    elapsed = time.perf_counter() - t0
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    response.close()
    return elapsed, size, lines, peak


def bench_export(n: int) -> None:
    print(f"Bulk export: {n:,} published verdicts, NDJSON export vs PostgreSQL COPY")
    t0 = time.perf_counter()
    published_create(n)
    print(f"  (created in {time.perf_counter() - t0:.0f} s)")
    token = partner_token_create(name="Bench partner").secret
    # Not throttled: the rate counter lives in Redis, not in the throwaway database, so
    # runs within one minute would add up to a 429 otherwise.
    Partner.objects.filter(name="Bench partner").update(rate_per_minute=100_000_000)
    headers = {"Authorization": f"Bearer {token}"}
    client = Client()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    copy_s, copy_bytes = copy_time()
    export_s, export_bytes, lines, _ = export_time(client, headers)
    copy_s = min(copy_s, copy_time()[0])
    print(f"  COPY:   {copy_s:6.2f} s  ({copy_bytes / 1e6:.0f} MB)")
    print(f"  export: {export_s:6.2f} s  ({export_bytes / 1e6:.0f} MB, {lines:,} lines)")
    print(f"  ratio export/COPY: {export_s / copy_s:.2f} (target <= 1.5 at 100,000)")
    documents_s, documents_bytes = copy_time(COPY_DOCUMENTS_SQL)
    documents_s = min(documents_s, copy_time(COPY_DOCUMENTS_SQL)[0])
    print(
        f"  (COPY of the stored documents alone: {documents_s:.2f} s, "
        f"{documents_bytes / 1e6:.0f} MB; export/that: {export_s / documents_s:.2f})"
    )
    csv_s, csv_bytes, csv_lines, _ = export_time(client, headers, path="/api/v1/export.csv")
    print(f"  CSV:    {csv_s:6.2f} s  ({csv_bytes / 1e6:.0f} MB, {csv_lines:,} lines)")
    print(f"  ratio CSV/NDJSON: {csv_s / export_s:.2f} (target <= 1.5)")
    small = export_time(client, headers, trace=True, limit=n // 10)[3]
    full = export_time(client, headers, trace=True)[3]
    print(
        f"  peak Python memory: {small / 1e6:.1f} MB at {n // 10:,} rows, "
        f"{full / 1e6:.1f} MB at {n:,} rows"
    )


def bench_latency() -> None:
    """The API list beside its floor and the review page, under wrk (bench/bench_load.py)."""
    from django.conf import settings as django_settings
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from annotations.core.roles import REVIEWERS
    from annotations.ingest.services import article_ingest
    from bench.bench_load import bench_load

    token = partner_token_create(name="Latency partner").secret
    Partner.objects.filter(name="Latency partner").update(rate_per_minute=100_000_000)
    reviewer = User.objects.create_user("bench-load-reviewer")
    reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS)[0])
    session = SessionStore()
    session["_auth_user_id"] = str(reviewer.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = reviewer.get_session_auth_hash()
    session.create()
    sample = (BASE_DIR / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")
    article = article_ingest(text=sample).article
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "0",
        "SECRET_KEY": django_settings.SECRET_KEY,  # the session above is signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "API_SYNC_LAG_SECONDS": "0",
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    bench_load(
        api_token=token,
        review_cookie=f"{django_settings.SESSION_COOKIE_NAME}={session.session_key}",
        review_path=f"/articles/{article.pk}/",
        env=env,
    )
