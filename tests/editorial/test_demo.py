"""`make run`'s demo (manage.py load_demo): titled articles, and queues, approvals, the
dashboard, a public verdict page and the API that have something to show."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from annotations.ingest.services import article_ingest
from annotations.management.commands.load_demo import SEEDS_DIR
from annotations.models import Article, PublishedVerdict, ReviewEvent, Statement

pytestmark = pytest.mark.django_db
SAMPLE_TITLE = (
    "Coalition of the Willing calls for transatlantic unity as Europe seeks a say in Ukraine talks"
)


def load_demo() -> dict[str, str]:
    """Run load_demo; the demo accounts' passwords by username."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    return dict(re.findall(r"username '(\w+)', password '([^']+)'", out.getvalue()))


def logged_in(username: str, passwords: dict[str, str]) -> Client:
    client = Client()
    assert client.login(username=username, password=passwords[username])
    return client


def test_the_sample_article_gets_a_title_and_no_invented_publisher_or_date():
    load_demo()
    sample = Article.objects.get(body__startswith="Members of the “Coalition of the Willing”")
    assert sample.title == SAMPLE_TITLE
    # The text comes without them (seeds/README.md): none is made up.
    assert (sample.publisher, sample.published_on, sample.source_url) == ("", None, "")
    short = Article.objects.get(title="Riverton council approves a €48 million budget for 2026")
    assert short.publisher == "The Riverton Courier" and str(short.published_on) == "2025-11-04"
    assert short.source_url.startswith("https://example.org/")


def test_the_demo_reviewer_has_assignments_a_draft_and_a_returned_verdict_with_its_note():
    passwords = load_demo()
    html = logged_in("reviewer", passwords).get(reverse("queue")).content.decode()
    assert "Nothing is assigned to you" not in html
    assert "Returned by editor:</strong> Cite the 2019 budget itself" in html
    assert html.count('class="badge review-not_started"') == 5
    assert html.count('class="badge review-draft"') == 1
    assert "€210 bi" in html  # the sample article's statements are assigned, not reviewed


def test_the_demo_editor_has_a_verdict_to_approve_and_a_dashboard_with_a_published_one():
    passwords = load_demo()
    editor = logged_in("editor", passwords)
    approvals = editor.get(reverse("approvals")).content.decode()
    assert "Spending on schools rises by 12%" in approvals and "Speaker: Anna Berg" in approvals
    dashboard = editor.get(reverse("dashboard")).context["board"]
    assert dict((s, n) for s, _, n in dashboard.by_state)["approved"] == 1
    assert dict((r, n) for r, _, n in dashboard.by_verdict)["true"] == 1
    assert sum(day.count for day in dashboard.approvals_per_day) == 1


def test_the_published_demo_verdict_has_a_complete_claimreview_on_its_page():
    load_demo()
    published = PublishedVerdict.objects.get()
    claim = published.document["itemReviewed"]
    assert claim["author"] == {"@type": "Organization", "name": "Riverton Statistics Office"}
    assert claim["appearance"]["publisher"]["name"] == "The Riverton Courier"
    page = Client().get(f"/verdicts/{published.pk}/").content.decode()
    assert '<script type="application/ld+json">' in page


def test_loading_the_demo_again_does_nothing_twice():
    load_demo()
    counts = (
        Article.objects.count(),
        ReviewEvent.objects.count(),
        PublishedVerdict.objects.count(),
    )
    load_demo()
    assert (
        Article.objects.count(),
        ReviewEvent.objects.count(),
        PublishedVerdict.objects.count(),
    ) == counts
    assert Statement.objects.filter(assignee__username="reviewer").count() == 5


def test_a_sample_loaded_before_it_had_a_title_gets_it_and_keeps_a_title_someone_gave_it():
    body = (SEEDS_DIR / "000_6c896c902daceab2.txt").read_text("utf-8")
    article_ingest(text=body)  # titled from its first line, as load_demo used to
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already there, title filled in" in out.getvalue()
    sample = Article.objects.get(title=SAMPLE_TITLE)
    sample.title = "Our own title"
    sample.save()
    load_demo()
    sample.refresh_from_db()
    assert sample.title == "Our own title"


def test_the_demo_shows_a_claim_checked_before():
    passwords = load_demo()
    repeated = Statement.objects.get(text__startswith="Riverton gained 3,400 residents")
    published = PublishedVerdict.objects.get(statement__text__contains="grew by 3,400 people")
    client = logged_in("reviewer", passwords)
    url = reverse("statement_panel", args=[repeated.pk])
    html = client.get(url, HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert "Checked before" in html and f"/verdicts/{published.pk}/" in html
