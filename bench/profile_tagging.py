"""Where the time of one tagging task goes: each step of `article_entities_tag` timed
over the bench's articles (throwaway database), beside bare `nlp.pipe` on the same texts.
Prints milliseconds per article, the steps indented as the task calls them; the
check-worthiness model's second thread is last, its time overlapping the steps above.

    DATABASE_URL=postgres://... .venv/bin/python bench/profile_tagging.py [--articles 100]
"""

import argparse
import collections
import functools
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import django_setup, throwaway_database

django_setup()

from django.db import connection  # noqa: E402
from django.db.backends.utils import CursorWrapper  # noqa: E402

import annotations.nlp.entities.model as entities_model  # noqa: E402
import annotations.tagging.jobs as jobs  # noqa: E402
from annotations.ingest.services import article_ingest  # noqa: E402
from annotations.nlp.statements.model import SentenceScoring  # noqa: E402
from bench.bench import BARE_SMALL_BATCH, articles_generate  # noqa: E402

SPANS, JOIN, HELPER, SQL = "spans_tidy", "scoring (joined in)", "model, 2nd thread", "SQL (all)"
# What is printed, in the task's order, indented as the calls nest. The names other than
# the four labels above are the task's steps as it calls them (attributes of tagging.jobs).
REPORT = [
    ("tagging_job_claim", 1),
    ("learned_patterns_current", 1),
    ("sentences_assess", 1),
    ("entities_find", 1),
    (SPANS, 2),
    ("entities_cluster", 1),
    (JOIN, 1),
    ("statements_decide", 1),
    ("mentions_replace", 1),
    ("statements_reconcile", 2),
    ("entities_resolve", 2),
    ("learned_names_applied", 2),
    (SQL, 1),
    (HELPER, 0),
]
STEPS = [name for name, _ in REPORT if name not in {SPANS, JOIN, HELPER, SQL}]
spent: collections.Counter[str] = collections.Counter()


def timed(function, label: str):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    return wrapper


def instrument() -> None:
    for name in STEPS:
        setattr(jobs, name, timed(getattr(jobs, name), name))
    entities_model.spans_tidy = timed(entities_model.spans_tidy, SPANS)
    run = SentenceScoring.run

    def scoring_run(self):
        on_main = threading.current_thread() is threading.main_thread()
        return timed(run, JOIN if on_main else HELPER)(self)

    SentenceScoring.run = scoring_run  # type: ignore[method-assign]
    CursorWrapper.execute = timed(CursorWrapper.execute, SQL)  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    n = parser.parse_args().articles
    with throwaway_database("profile"):
        texts = articles_generate(n)
        ids = [article_ingest(text=text).article.pk for text in texts]
        nlp = jobs.nlp_get()
        list(nlp.pipe(texts[:2]))
        jobs.checkworthiness_model_get()
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=BARE_SMALL_BATCH):
            pass
        bare = time.perf_counter() - start
        instrument()
        start = time.perf_counter()
        for article_id in ids:
            jobs.article_entities_tag(article_id=article_id)
        task = time.perf_counter() - start
        print(f"{n} articles, {connection.vendor}; milliseconds per article")
        print(f"  {f'bare nlp.pipe (batch_size={BARE_SMALL_BATCH})':40}{bare / n * 1000:7.2f}")
        print(f"  {'tagging task':40}{task / n * 1000:7.2f}  ({task / bare:.2f}x)")
        for label, depth in REPORT:
            name = "  " * depth + ("the check-worthiness " + label if depth == 0 else label)
            print(f"  {name:40}{spent[label] / n * 1000:7.2f}")


if __name__ == "__main__":
    main()
