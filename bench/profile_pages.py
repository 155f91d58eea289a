"""The desk's pages over a large desk: each page's server time (median of 5, Django test
client, logged in as a reviewer who is also an editor), its queries and its size.

The desk: `--verdicts` published verdicts over articles of 100 statements
(bench_api.published_create), 300 verdicts waiting for approval and 200 published the
way the desk does it (factories, through the services), 500 entities and one mention
per statement. In a throwaway database; PostgreSQL is what it is meant for.

    DATABASE_URL=postgres://... .venv/bin/python bench/profile_pages.py [--verdicts 20000]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import django_setup, throwaway_database

django_setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = 5


def desk_create(verdicts: int) -> dict[str, int]:
    """The desk described above; returns ids the pages need."""
    from annotations.models import Article, Entity, EntityMention, Statement
    from bench.bench_api import published_create
    from tests.factories import (
        EditorFactory,
        PublishedVerdictFactory,
        ReviewerFactory,
        SubmittedVerdictFactory,
    )

    published_create(verdicts)
    rita, eddie = ReviewerFactory(username="rita"), EditorFactory(username="eddie")
    for _ in range(300):
        SubmittedVerdictFactory(reviewer=rita)
    for _ in range(200):
        PublishedVerdictFactory(reviewer=rita, editor=eddie)
    entities = Entity.objects.bulk_create(
        Entity(label="PERSON", name=f"Person {k}") for k in range(500)
    )
    statements = Statement.objects.values_list("article_id", "start", "text")
    EntityMention.objects.bulk_create(
        (
            EntityMention(
                article_id=article_id,
                entity=entities[i % len(entities)],
                start=start,
                end=start + 3,
                text=text[:3],
                label="PERSON",
                source=EntityMention.Source.MODEL,
            )
            for i, (article_id, start, text) in enumerate(statements.iterator())
        ),
        batch_size=5_000,
    )
    if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum would
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{Article.objects.count()} articles, {Statement.objects.count()} statements, "
        f"{EntityMention.objects.count()} mentions, {connection.vendor}"
    )
    return {"article": Article.objects.order_by("id").first().pk, "entity": entities[5].pk}


def page_measure(client: Client, path: str) -> None:
    client.get(path)  # warm: caches, the first query plans
    times, queries, size = [], 0, 0
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - start) * 1000)
        queries, size = len(captured), len(body)
    print(
        f"  {path:52} {response.status_code}  {statistics.median(times):7.1f} ms"
        f"  {queries:3d} queries  {size / 1024:7.1f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verdicts", type=int, default=20_000)
    verdicts = parser.parse_args().verdicts
    with throwaway_database("pages"):
        from tests.factories import EditorFactory

        ids = desk_create(verdicts)
        user = EditorFactory(username="both")
        user.groups.add(Group.objects.get(name="Reviewers"))
        client = Client()
        client.force_login(user)
        for path in (
            "/",
            "/?q=minister",
            "/?q=Person%205",
            "/?q=nothing-like-this",
            "/queue/",
            "/approvals/",
            "/dashboard/",
            "/learned-names/",
            f"/articles/{ids['article']}/",
            f"/entities/{ids['entity']}/",
            "/claimants/?name=A%20Minister",
            "/api/v1/articles/?page_size=100",
            "/api/v1/claimreviews/?page_size=100&entity=Person%205",
            "/api/v1/claimreviews/?page_size=100&claimant=A%20Minister",
        ):
            page_measure(client, path)


if __name__ == "__main__":
    main()
