"""python manage.py ingest PATH... | --url URL | --html FILE — ingest UTF-8 text files, a web
page or a saved HTML page as articles."""

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.core.validators import URLValidator

from annotations.core.errors import DomainError
from annotations.ingest.pages import page_fetch, page_uploaded
from annotations.ingest.services import (
    ArticleInputError,
    IngestResult,
    article_body_clean,
    article_ingest,
    article_page_ingest,
    article_size_message,
    article_text_decode,
)
from annotations.management.base import DatabaseCommand, database_ready_check
from annotations.models import Article, TaggingJob
from annotations.review.matches import statements_matches
from annotations.review.selectors import article_as_dict


class Command(DatabaseCommand):
    help = (
        "Ingest UTF-8 text files (one paragraph per line) as articles: split them into "
        "checkable statements and queue entity tagging. Every file is checked before any is "
        f"stored. Limit: {settings.ARTICLE_MAX_CHARS:,} characters per article. With --url "
        "or --html, the article is extracted from a web page, which is archived beside it."
    )
    # The files are checked first (a missing file is the error to show), then the database.
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", type=Path)
        parser.add_argument("--url", default="", help="Fetch this web page (instead of PATHs).")
        parser.add_argument(
            "--html", type=Path, help="A saved HTML page (instead of PATHs); see --source-url."
        )
        parser.add_argument("--title", default="", help="Title (only with a single article).")
        parser.add_argument("--source-url", default="", help="Where the article was published.")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--json", action="store_true", help="One JSON object per article.")
        parser.add_argument(
            "--wait", action="store_true", help="Wait for entity tagging and print entities."
        )
        parser.add_argument(
            "--timeout", type=_seconds, default=120.0, help="Seconds --wait waits (over 0)."
        )

    def handle(self, *args, paths: list[Path], **opts) -> None:
        given = sum(map(bool, (paths, opts["url"], opts["html"])))
        if given != 1:
            raise CommandError("give PATHs, --url URL or --html FILE (exactly one of them)")
        if opts["url"] and opts["source_url"]:
            raise CommandError("--source-url goes with PATHs or --html; --url is the source")
        if opts["title"] and len(paths) > 1:
            raise CommandError("--title applies to a single PATH; got several")
        if opts["source_url"]:
            try:
                URLValidator(schemes=["http", "https"])(opts["source_url"])
            except ValidationError:
                url = opts["source_url"]
                raise CommandError(f"--source-url is not an http(s) URL: {url}") from None
        if opts["url"] or opts["html"]:
            articles = [self.ingest_page(opts)]
        else:
            articles = self.ingest_files(paths, opts)
        self.report(articles, opts)

    def ingest_page(self, opts: dict) -> tuple[Article, bool]:
        if opts["html"]:
            content = read_html_file(opts["html"])
        database_ready_check()
        try:
            if opts["html"]:
                page = page_uploaded(content=content, source_url=opts["source_url"])
            else:
                page = page_fetch(url=opts["url"])
            result: IngestResult = article_page_ingest(
                page=page,
                title=opts["title"],
                publisher=opts["publisher"],
                channel=Article.Channel.CLI,
                field="html" if opts["html"] else "url",
            )
        except (DomainError, ArticleInputError) as exc:
            where = opts["html"] or opts["url"]
            raise CommandError(f"{where}: {exc}") from None
        return result.article, result.created

    def ingest_files(self, paths: list[Path], opts: dict) -> list[tuple[Article, bool]]:
        # Read and check every file first, so that a bad one stores nothing.
        texts = [(path, read_article_file(path)) for path in paths]
        database_ready_check()

        articles = []
        for path, text in texts:
            try:
                result = article_ingest(
                    text=text,
                    title=opts["title"],
                    source_url=opts["source_url"],
                    publisher=opts["publisher"],
                    channel=Article.Channel.CLI,
                )
            except ArticleInputError as exc:
                raise CommandError(f"{path}: {exc}") from None
            articles.append((result.article, result.created))
        return articles

    def report(self, articles: list[tuple[Article, bool]], opts: dict) -> None:
        if opts["wait"]:
            unfinished = wait_for_tagging([a.pk for a, _ in articles], timeout=opts["timeout"])
        for article, created in articles:
            article.refresh_from_db()
            self.print_article(
                article, created=created, as_json=opts["json"], with_entities=opts["wait"]
            )
        if opts["wait"] and unfinished:
            raise CommandError(
                f"tagging did not finish within {opts['timeout']:g}s for article(s) "
                f"{', '.join(map(str, unfinished))}; is a worker running? (make run starts one)"
            )

    def print_article(
        self, article: Article, *, created: bool, as_json: bool, with_entities: bool
    ) -> None:
        data = article_as_dict(article=article, with_entities=with_entities)
        statements = list(article.statements.order_by("start", "end"))
        matches = statements_matches(statements=statements)
        for item in data["statements"]:
            # "Checked before": published verdicts each statement resembles, best first.
            item["matches"] = [
                {"claimreview": m.published.pk, "score": m.score, "rating": m.published.rating}
                for m in matches.get(item["id"], [])
            ]
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        verb = "Ingested" if created else "Already ingested"
        if article.previous_revision_id:
            anchors = Counter(s["anchor"] for s in data["statements"])
            verb += (
                f" revision {article.revision} (of article {article.previous_revision_id}:"
                f" {anchors['carried']} carried, {anchors['changed']} reworded) as"
            )
        self.stdout.write(
            f"{verb} article {article.pk}: {article.title!r} — "
            f"{pluralize(len(data['statements']), 'checkable statement')}, "
            f"tagging {data['tagging']['state']}"
        )
        for s in data["statements"]:
            figures = ", ".join(f"{f['text']} ({f['kind']})" for f in s["figures"])
            self.stdout.write(f"  [{s['score']:.2f}] {s['text']}")
            if figures:
                self.stdout.write(f"         figures: {figures}")
            for m in s["matches"]:
                self.stdout.write(
                    f"         checked before: ClaimReview {m['claimreview']}"
                    f" ({m['rating']}, similarity {m['score']:.2f})"
                )
        if "entities" in data:
            names = sorted({f"{e['entity']} ({e['label']})" for e in data["entities"]})
            self.stdout.write(f"  entities: {', '.join(names) or 'none'}")


def pluralize(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def read_article_file(path: Path) -> str:
    """Read and validate one file; every problem becomes a one-line CommandError."""
    try:
        if path.is_dir():
            raise CommandError(f"{path}: is a directory, not a text file")
        if path.stat().st_size > settings.ARTICLE_MAX_CHARS * 4:
            raise CommandError(f"{path}: {article_size_message()}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except PermissionError:
        raise CommandError(f"{path}: permission denied") from None
    try:
        return article_body_clean(text=article_text_decode(raw=raw))
    except ArticleInputError as exc:
        raise CommandError(f"{path}: {exc}") from None


def read_html_file(path: Path) -> bytes:
    """A saved page's bytes as they are (the archive keeps them); errors in one line."""
    try:
        if path.is_dir():
            raise CommandError(f"{path}: is a directory, not an HTML file")
        if path.stat().st_size > settings.INGEST_URL_MAX_BYTES:
            limit = settings.INGEST_URL_MAX_BYTES / (1024 * 1024)
            raise CommandError(f"{path}: the file is larger than {limit:g} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except PermissionError:
        raise CommandError(f"{path}: permission denied") from None


def wait_for_tagging(article_ids: list[int], *, timeout: float) -> list[int]:
    """Poll the tagging jobs until none is pending or the timeout passes; return the
    ids still pending."""
    deadline = time.monotonic() + timeout
    pending = TaggingJob.PENDING_STATES
    while True:
        unfinished = list(
            TaggingJob.objects.filter(article_id__in=article_ids, state__in=pending)
            .order_by("article_id")
            .values_list("article_id", flat=True)
        )
        if not unfinished or time.monotonic() >= deadline:
            return unfinished
        time.sleep(0.25)


def _seconds(value: str) -> float:
    """A positive number of seconds, for argparse (its error names the option)."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {value}")
    return seconds
