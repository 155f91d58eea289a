"""The review page and its endpoints, through Django's test client: the verdict panel,
saving and submitting, validation beside the fields, conflicts, dismissal, assignment,
human corrections, permissions, and a query count that does not grow with the article."""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from annotations.ingest.services import article_ingest
from annotations.models import (
    Entity,
    EntityMention,
    ReviewEvent,
    Statement,
    Verdict,
)
from annotations.review.services import SourceInput, verdict_save
from tests.factories import ArticleFactory, EntityMentionFactory

SAMPLE = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")
SCRIPT = {"HTTP_X_REQUESTED_WITH": "fetch"}

pytestmark = pytest.mark.django_db


def _member(django_user_model, username: str, *groups: str):
    user = django_user_model.objects.create_user(username, password="pw-for-tests-only")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def rita(django_user_model):
    return _member(django_user_model, "rita", "Reviewers")


@pytest.fixture
def sam(django_user_model):
    return _member(django_user_model, "sam", "Reviewers")


@pytest.fixture
def rita_client(client, rita):
    client.force_login(rita)
    return client


@pytest.fixture
def article():
    return article_ingest(text=SAMPLE, title="Coalition meeting").article


@pytest.fixture
def statement(article):
    return Statement.objects.get(article=article, text__contains="€210 billion")


def verdict_data(
    *,
    rating: str = "half_true",
    explanation: str = "The EU figure is about €210 billion.",
    sources=(("https://example.org/assets", "Frozen assets"),),
    base_version: int = 0,
    action: str = "save",
) -> dict:
    data = {
        "rating": rating,
        "explanation": explanation,
        "base_version": base_version,
        "action": action,
        "sources-TOTAL_FORMS": len(sources),
        "sources-INITIAL_FORMS": 0,
        "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 20,
    }
    for i, (url, title) in enumerate(sources):
        data |= {
            f"sources-{i}-url": url,
            f"sources-{i}-title": title,
            f"sources-{i}-publisher": "",
            f"sources-{i}-quote": "",
        }
    return data


def post(client, name: str, pk: int, data: dict | None = None, **extra):
    return client.post(reverse(name, args=[pk]), data or {}, **extra)


def save_as(user, statement, **kwargs) -> Verdict:
    defaults = {
        "rating": "false",
        "explanation": "Rita's reading.",
        "sources": [SourceInput(url="https://rita.example/source", title="Rita's source")],
        "base_version": 0,
    }
    return verdict_save(statement_id=statement.pk, user=user, **(defaults | kwargs))


# --- The page ---------------------------------------------------------------------------


class ParagraphText(HTMLParser):
    """The text of each <p data-start> of the article text, as the browser sees it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[tuple[int, str]] = []
        self._start: int | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "p" and "data-start" in dict(attrs):
            self._start, self._parts = int(dict(attrs)["data-start"]), []

    def handle_endtag(self, tag):
        if tag == "p" and self._start is not None:
            self.paragraphs.append((self._start, "".join(self._parts)))
            self._start = None

    def handle_data(self, data):
        if self._start is not None:
            self._parts.append(data)


def test_every_paragraph_shows_exactly_the_body_from_its_data_start(rita_client, article):
    EntityMentionFactory(article=article, phrase="Volodymyr Zelenskyy", label="PERSON")
    page = rita_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    parser = ParagraphText()
    parser.feed(page)
    assert len(parser.paragraphs) == len([line for line in article.body.split("\n") if line])
    for start, text in parser.paragraphs:
        assert article.body[start : start + len(text)] == text


def test_statements_are_buttons_named_by_their_text_with_their_state(
    rita_client, rita, article, statement
):
    save_as(rita, statement)
    page = rita_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    tag = re.search(rf'<span class="stmt" id="s{statement.pk}"[^>]*>', page).group(0)
    assert 'role="button"' in tag and 'tabindex="0"' in tag
    assert f'aria-label="{html.escape(statement.text)}"' in tag
    assert 'data-state="draft"' in tag and 'data-state-label="Draft"' in tag
    assert 'aria-pressed="false"' in tag
    assert '<strong class="fig fig-money" title="money">€210 billion</strong>' in page
    assert "No statement selected" in page


def test_entity_marks_carry_their_label(rita_client, article):
    mention = EntityMentionFactory(article=article, phrase="Marco Rubio", label="PERSON")
    page = rita_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert (
        f'<mark class="ent ent-PERSON" data-mention="{mention.pk}" data-start="{mention.start}" '
        f'data-label="PERSON" title="PERSON: {html.escape(mention.entity.name)}">Marco Rubio</mark>'
    ) in page


def test_page_with_a_selected_statement_renders_its_panel_in_place(rita_client, article, statement):
    url = reverse("article_detail", args=[article.pk])
    page = rita_client.get(url, {"s": statement.pk}).content.decode()
    assert re.search(rf'id="s{statement.pk}"[^>]*aria-pressed="true"', page)
    assert "<legend>Verdict</legend>" in page
    assert f'data-statement="{statement.pk}"' in page
    # A statement of another article, or garbage, is ignored.
    assert "No statement selected" in rita_client.get(url, {"s": "x"}).content.decode()


def test_panel_fragment_has_the_verdict_form(rita_client, statement):
    response = rita_client.get(reverse("statement_panel", args=[statement.pk]))
    assert response.status_code == 200
    panel = response.content.decode()
    assert "<html" not in panel
    assert panel.count('type="radio" name="rating"') == 7
    for number, label in enumerate(Verdict.Rating.labels, start=1):
        assert f'<kbd aria-hidden="true">{number}</kbd><span>{label}</span>' in panel
    for label in ("Explanation", "Source URL", "Source title", "Publisher", "Quote", "Reason"):
        assert f">{label}" in panel
    assert 'name="base_version" value="0"' in panel
    assert ">Save draft</button>" in panel and ">Submit for approval</button>" in panel
    assert ">Add source</button>" in panel and ">Remove source</button>" in panel
    assert ">Assign</button>" in panel and ">Dismiss as not checkable</button>" in panel


# --- Saving and submitting --------------------------------------------------------------


def test_saving_a_draft_returns_the_refreshed_panel(rita_client, statement):
    response = post(rita_client, "verdict_save", statement.pk, verdict_data(), **SCRIPT)
    assert response.status_code == 200
    panel = response.content.decode()
    assert "Draft saved (version 1)." in panel
    assert 'data-state="draft"' in panel
    assert 'name="base_version" value="1"' in panel
    assert 'value="half_true" checked' in panel
    assert "https://example.org/assets" in panel and "Accessed " in panel
    statement.refresh_from_db()
    assert statement.review_state == Statement.ReviewState.DRAFT
    verdict = statement.verdict
    assert (verdict.rating, verdict.version, verdict.author.username) == ("half_true", 1, "rita")
    assert [s.title for s in verdict.sources.all()] == ["Frozen assets"]


def test_without_script_a_save_redirects_to_the_page_with_the_statement_selected(
    rita_client, article, statement
):
    response = post(rita_client, "verdict_save", statement.pk, verdict_data())
    assert response.status_code == 302
    assert response.url == reverse("article_detail", args=[article.pk]) + f"?s={statement.pk}"
    page = rita_client.get(response.url).content.decode()
    assert "Draft saved (version 1)." in page


def test_without_script_field_errors_come_back_on_the_whole_page(rita_client, statement):
    data = verdict_data(explanation="Kept on the page", sources=(("ftp://x.example/", "FTP"),))
    response = post(rita_client, "verdict_save", statement.pk, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<html" in page and 'class="article-text"' in page
    assert re.search(rf'id="s{statement.pk}"[^>]*aria-pressed="true"', page)
    assert "Enter a web address starting with http:// or https://." in page
    assert "Kept on the page</textarea>" in page


def test_submitting_makes_the_panel_read_only(rita_client, statement):
    data = verdict_data(action="submit", explanation="Checked against the EU's figures.")
    response = post(rita_client, "verdict_save", statement.pk, data, **SCRIPT)
    assert response.status_code == 200
    panel = response.content.decode()
    assert 'data-state="submitted"' in panel
    assert "Submitted for approval — read-only until an editor acts" in panel
    assert "Checked against the EU&#x27;s figures." in panel
    # Nothing to type into or choose: only the CSRF tokens of no form at all.
    assert "<textarea" not in panel and "<select" not in panel
    assert not re.search(r'<input(?![^>]*type="hidden")', panel)
    statement.refresh_from_db()
    assert statement.review_state == Statement.ReviewState.SUBMITTED
    assert statement.verdict.submitted_at is not None


def test_submitting_an_empty_panel_shows_every_missing_part_beside_its_field(
    rita_client, statement
):
    data = verdict_data(rating="", explanation="   ", sources=(), action="submit")
    response = post(rita_client, "verdict_save", statement.pk, data, **SCRIPT)
    assert response.status_code == 400
    form = response.context["panel"].form
    assert form.errors["rating"] == ["Choose a verdict before submitting."]
    assert form.errors["explanation"] == ["Write an explanation before submitting."]
    assert response.context["panel"].sources_errors == [
        "Add at least one source before submitting."
    ]
    panel = response.content.decode()
    assert "Add at least one source before submitting." in panel
    assert not Verdict.objects.exists()


def test_a_javascript_url_is_refused_beside_its_field_and_the_typed_text_kept(
    rita_client, statement
):
    data = verdict_data(
        explanation="Typed with care <b>bold</b>",
        sources=(("https://ok.example/", "Fine"), ("javascript:alert(1)", "Evil")),
    )
    response = post(rita_client, "verdict_save", statement.pk, data, **SCRIPT)
    assert response.status_code == 400
    rows = response.context["panel"].formset.forms
    assert rows[0].errors == {}
    assert rows[1].errors["url"] == ["Enter a web address starting with http:// or https://."]
    panel = response.content.decode()
    # The error sits in the second source row, right after its URL field.
    second_row = panel.split("data-source-row>")[2]
    assert second_row.index('name="sources-1-url"') < second_row.index("Enter a web address")
    assert "Typed with care &lt;b&gt;bold&lt;/b&gt;</textarea>" in panel
    assert 'value="javascript:alert(1)"' in panel
    assert 'value="half_true" checked' in panel
    assert not Verdict.objects.exists()


def test_a_source_without_a_url_asks_for_one(rita_client, statement):
    data = verdict_data(sources=(("", "A title but no address"),))
    response = post(rita_client, "verdict_save", statement.pk, data, **SCRIPT)
    assert response.status_code == 400
    errors = response.context["panel"].formset.forms[0].errors["url"]
    assert errors == ["Add the source's web address, or remove this source."]


def test_a_draft_may_be_incomplete_and_empty_source_rows_are_skipped(rita_client, statement):
    data = verdict_data(rating="", explanation="", sources=(("", ""),))
    response = post(rita_client, "verdict_save", statement.pk, data, **SCRIPT)
    assert response.status_code == 200
    assert statement.__class__.objects.get(pk=statement.pk).verdict.sources.count() == 0


# --- Conflicts --------------------------------------------------------------------------


def test_saving_on_a_stale_version_is_a_conflict_that_shows_theirs_and_keeps_mine(
    client, rita, sam, statement
):
    save_as(rita, statement, explanation="Rita says false.")
    client.force_login(sam)
    mine = verdict_data(rating="true", explanation="Sam's careful text.", base_version=0)
    response = post(client, "verdict_save", statement.pk, mine, **SCRIPT)
    assert response.status_code == 409
    panel = response.content.decode()
    assert "rita saved a change at" in panel
    assert "Their version (v1, saved by rita" in panel
    assert "Rita says false." in panel and "https://rita.example/source" in panel
    assert "Sam&#x27;s careful text.</textarea>" in panel
    assert 'value="true" checked' in panel
    assert 'name="base_version" value="1"' in panel
    statement.verdict.refresh_from_db()
    assert statement.verdict.explanation == "Rita says false."

    # Saving again from the conflict panel replaces Rita's version, deliberately.
    mine["base_version"] = 1
    response = post(client, "verdict_save", statement.pk, mine, **SCRIPT)
    assert response.status_code == 200
    statement.verdict.refresh_from_db()
    assert (statement.verdict.explanation, statement.verdict.version) == ("Sam's careful text.", 2)


def test_a_reviewer_cannot_edit_another_reviewers_submitted_verdict(client, rita, sam, statement):
    save_as(rita, statement, submit=True)
    client.force_login(sam)
    panel = client.get(reverse("statement_panel", args=[statement.pk])).content.decode()
    assert "read-only until an editor acts" in panel and "<textarea" not in panel
    mine = verdict_data(explanation="Sam overwrites?", base_version=1)
    response = post(client, "verdict_save", statement.pk, mine, **SCRIPT)
    assert response.status_code == 409
    panel = response.content.decode()
    assert "its verdict can&#x27;t be edited now" in panel
    assert "Your text (not saved)" in panel and "Sam overwrites?" in panel
    statement.verdict.refresh_from_db()
    assert statement.verdict.explanation == "Rita's reading."


# --- Permissions ------------------------------------------------------------------------


def test_a_user_in_neither_group_gets_403_on_the_page_and_every_endpoint(
    client, django_user_model, rita, article, statement
):
    mention = EntityMentionFactory(article=article, phrase="Marco Rubio")
    client.force_login(_member(django_user_model, "nobody"))
    gets = [
        reverse("article_detail", args=[article.pk]),
        reverse("article_text", args=[article.pk]),
        reverse("article_tagging", args=[article.pk]),
        reverse("statement_panel", args=[statement.pk]),
    ]
    posts = [
        reverse("verdict_save", args=[statement.pk]),
        reverse("statement_dismiss", args=[statement.pk]),
        reverse("statement_restore", args=[statement.pk]),
        reverse("statement_assign", args=[statement.pk]),
        reverse("statement_add", args=[article.pk]),
        reverse("mention_add", args=[article.pk]),
        reverse("mention_relabel", args=[mention.pk]),
        reverse("mention_remove", args=[mention.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, verdict_data() | {"label": "ORG"}, **SCRIPT).status_code == 403
    assert not Verdict.objects.exists()


def test_an_editor_who_is_not_a_reviewer_sees_the_panel_read_only(
    client, django_user_model, statement
):
    client.force_login(_member(django_user_model, "eddie", "Editors"))
    panel = client.get(reverse("statement_panel", args=[statement.pk])).content.decode()
    assert "Only members of Reviewers write verdicts" in panel
    assert "<textarea" not in panel
    response = post(client, "verdict_save", statement.pk, verdict_data(), **SCRIPT)
    assert response.status_code == 403
    assert "Only members of Reviewers can do this." in response.content.decode()


def test_anonymous_posts_are_sent_to_log_in(client, statement):
    response = post(client, "verdict_save", statement.pk, verdict_data())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Dismiss, restore, assign -----------------------------------------------------------


def test_dismissing_needs_a_reason_and_can_be_restored(rita_client, statement):
    response = post(rita_client, "statement_dismiss", statement.pk, {"reason": ""}, **SCRIPT)
    assert response.status_code == 400
    assert response.context["panel"].dismiss_form.errors["reason"] == [
        "Say why this statement is not checkable."
    ]
    data = {"reason": "A forecast, not a claim."}
    response = post(rita_client, "statement_dismiss", statement.pk, data, **SCRIPT)
    assert response.status_code == 200
    panel = response.content.decode()
    assert 'data-state="dismissed"' in panel
    assert "A forecast, not a claim." in panel and ">Restore</button>" in panel
    statement.refresh_from_db()
    assert statement.review_state == Statement.ReviewState.DISMISSED

    response = post(rita_client, "statement_restore", statement.pk, **SCRIPT)
    assert response.status_code == 200
    assert 'data-state="not_started"' in response.content.decode()
    statement.refresh_from_db()
    assert (statement.review_state, statement.dismissed_reason) == ("not_started", "")


def test_restoring_a_statement_that_is_not_dismissed_is_a_conflict(rita_client, statement):
    response = post(rita_client, "statement_restore", statement.pk, **SCRIPT)
    assert response.status_code == 409
    assert "This statement is not dismissed." in response.content.decode()


def test_assigning_a_statement_to_a_reviewer(rita_client, sam, django_user_model, statement):
    panel = rita_client.get(reverse("statement_panel", args=[statement.pk])).content.decode()
    assert f'<option value="{sam.pk}">sam</option>' in panel
    response = post(rita_client, "statement_assign", statement.pk, {"assignee": sam.pk}, **SCRIPT)
    assert response.status_code == 200
    assert "Assigned to sam." in response.content.decode()
    statement.refresh_from_db()
    assert statement.assignee == sam and statement.assigned_at is not None

    outsider = _member(django_user_model, "outsider")
    data = {"assignee": outsider.pk}
    response = post(rita_client, "statement_assign", statement.pk, data, **SCRIPT)
    assert response.status_code == 400
    assert "Statements can only be assigned to reviewers." in response.content.decode()

    response = post(rita_client, "statement_assign", statement.pk, {"assignee": ""}, **SCRIPT)
    assert response.status_code == 200
    statement.refresh_from_db()
    assert statement.assignee is None


# --- Human corrections ------------------------------------------------------------------


def test_adding_a_statement_from_selection_offsets(rita_client, article):
    text = "But many of the plans are dependent on a US backstop"
    start = article.body.index(text)
    assert not Statement.objects.filter(article=article, start__lte=start, end__gt=start)
    # The character before (a line break) is trimmed.
    before = article.body[start - 1 : start]
    data = {"start": start - 1, "end": start + len(text), "text": before + text}
    response = post(rita_client, "statement_add", article.pk, data, **SCRIPT)
    assert response.status_code == 201, response.content
    added = Statement.objects.get(pk=response.json()["statement"])
    assert (added.start, added.text, added.origin) == (start, text, "human")
    assert added.created_by.username == "rita"
    text_url = reverse("article_text", args=[article.pk])
    fragment = rita_client.get(text_url, {"s": added.pk}).content.decode()
    assert re.search(rf'id="s{added.pk}"[^>]*aria-pressed="true"', fragment)


def test_adding_a_statement_outside_the_text_or_over_another_is_refused(
    rita_client, article, statement
):
    size = len(article.body)
    data = {"start": size - 5, "end": size + 10, "text": article.body[size - 5 :]}
    response = post(rita_client, "statement_add", article.pk, data, **SCRIPT)
    assert response.status_code == 400
    assert response.json()["error"] == "The selection is outside the article text."
    start, end = statement.start + 2, statement.end - 2
    data = {"start": start, "end": end, "text": article.body[start:end]}
    response = post(rita_client, "statement_add", article.pk, data, **SCRIPT)
    assert response.status_code == 400
    assert "overlaps a statement" in response.json()["error"]
    data = {"start": 9, "end": 3, "text": "x"}
    response = post(rita_client, "statement_add", article.pk, data, **SCRIPT)
    assert response.status_code == 400
    assert response.json()["error"] == "The selection is empty."


def test_marking_relabelling_and_removing_an_entity(rita_client, article, statement):
    start = article.body.index("Russian sovereign assets")
    data = {"start": start, "end": start + len("Russian"), "text": "Russian", "label": "NORP"}
    response = post(rita_client, "mention_add", article.pk, data, **SCRIPT)
    assert response.status_code == 201
    mention = EntityMention.objects.get(pk=response.json()["mention"])
    assert (mention.text, mention.label, mention.source) == ("Russian", "NORP", "human")

    bad = post(rita_client, "mention_add", article.pk, data | {"label": "WEAPON"}, **SCRIPT)
    assert bad.status_code == 400

    data = {"label": "GPE", "statement": statement.pk}
    response = post(rita_client, "mention_relabel", mention.pk, data, **SCRIPT)
    assert response.status_code == 200
    panel = response.content.decode()
    assert "“Russian” is now marked GPE." in panel and 'data-text-changed="true"' in panel
    relabelled = EntityMention.objects.get(article=article, removed=False, text="Russian")
    assert relabelled.label == "GPE"

    data = {"statement": statement.pk}
    response = post(rita_client, "mention_remove", relabelled.pk, data, **SCRIPT)
    assert response.status_code == 200
    assert "Entity mention removed." in response.content.decode()
    assert not EntityMention.objects.filter(article=article, removed=False, text="Russian")
    assert EntityMention.objects.filter(article=article, removed=True, text="Russian").exists()


# Offsets are code points (Python str indices). The old page counted UTF-16 code units,
# where each emoji and each half of a flag counts twice: the requests below send what it
# sent, and the selected text with them.
ASTRAL_BODY = (
    "Opinion 😀😀😀 piece X about nothing in particular here.\n"
    "Leaders from 🇺🇦 met in Berlin on Monday."
)
MISMATCH = (
    "The selected text does not match the article at these offsets; nothing was saved."
    " Reload the page and select the text again."
)


def _utf16(body: str, index: int) -> int:
    return len(body[:index].encode("utf-16-le")) // 2


def _selection(body: str, text: str, *, utf16: bool = False) -> dict:
    start = body.index(text)
    end = start + len(text)
    if utf16:
        start, end = _utf16(body, start), _utf16(body, end)
    return {"start": start, "end": end, "text": text}


def _written(article) -> tuple:
    """Everything a correction could write, to compare before and after a refusal."""
    mentions = EntityMention.objects.filter(article=article).order_by("pk")
    return (
        list(Statement.objects.filter(article=article).values_list("pk", "start", "end")),
        list(ReviewEvent.objects.values_list("pk", flat=True)),
        list(mentions.values_list("pk", "start", "end", "label", "source", "removed")),
        Entity.objects.count(),
    )


def test_a_statement_after_emoji_is_added_on_the_selected_characters(rita_client):
    article = ArticleFactory(body=ASTRAL_BODY)
    data = _selection(article.body, "nothing in particular")
    response = post(rita_client, "statement_add", article.pk, data, **SCRIPT)
    assert response.status_code == 201, response.content
    added = Statement.objects.get(pk=response.json()["statement"])
    assert article.body[added.start : added.end] == added.text == "nothing in particular"


def test_a_statement_whose_text_does_not_match_its_offsets_is_refused_and_nothing_written(
    rita_client,
):
    article = ArticleFactory(body=ASTRAL_BODY)
    data = _selection(article.body, "nothing in particular", utf16=True)
    assert article.body[data["start"] : data["end"]] == "hing in particular he"
    before = _written(article)
    response = post(rita_client, "statement_add", article.pk, data, **SCRIPT)
    assert response.status_code == 400
    assert response.json() == {"error": MISMATCH, "field": "text"}
    assert _written(article) == before


def test_an_entity_mark_whose_text_does_not_match_is_refused_and_the_model_mention_stays(
    rita_client,
):
    article = ArticleFactory(body=ASTRAL_BODY)
    berlin = EntityMentionFactory(article=article, phrase="Berlin", label="GPE", source="model")
    data = _selection(article.body, "Berlin", utf16=True) | {"label": "GPE"}
    # What the old page sent overlaps the model's mention, which a mark would replace.
    assert data["start"] < berlin.end and data["end"] > berlin.start
    before = _written(article)
    response = post(rita_client, "mention_add", article.pk, data, **SCRIPT)
    assert response.status_code == 400
    assert response.json() == {"error": MISMATCH, "field": "text"}
    assert _written(article) == before
    assert EntityMention.objects.get(pk=berlin.pk).removed is False


def test_a_selection_without_its_text_is_refused(rita_client):
    article = ArticleFactory(body=ASTRAL_BODY)
    data = _selection(article.body, "Berlin")
    del data["text"]
    before = _written(article)
    for name, extra in (("statement_add", {}), ("mention_add", {"label": "GPE"})):
        response = post(rita_client, name, article.pk, data | extra, **SCRIPT)
        assert response.status_code == 400
        assert response.json()["error"] == "The selected text is missing: select the text again."
    assert _written(article) == before


def test_a_model_mention_inside_the_statement_is_listed_with_its_actions(rita_client, statement):
    mention = EntityMentionFactory(
        article=statement.article, phrase="Europeans are", label="NORP", source="model"
    )
    panel = rita_client.get(reverse("statement_panel", args=[statement.pk])).content.decode()
    assert reverse("mention_relabel", args=[mention.pk]) in panel
    assert reverse("mention_remove", args=[mention.pk]) in panel


# --- Escaping ---------------------------------------------------------------------------


def test_user_text_in_the_panel_is_escaped_and_only_http_links_are_made(rita, rita_client):
    payload = '<script>alert("x")</script>'
    article = article_ingest(text=f"The minister said 40% of {payload} schools closed.").article
    statement = article.statements.get()
    save_as(
        rita,
        statement,
        explanation=payload,
        sources=[SourceInput(url="javascript:alert(1)", title=payload, quote=payload)],
        submit=True,
    )
    panel = rita_client.get(reverse("statement_panel", args=[statement.pk])).content.decode()
    assert "<script>" not in panel
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in panel
    assert 'href="javascript:' not in panel


# --- Queries ----------------------------------------------------------------------------


def _article_of_size(n_statements: int, mentions_per_statement: int, *, rita):
    lines = [
        f"Line {i}: the ministry said Acme Corp paid €{i + 1} million to Kyiv and Lviv in 2024."
        for i in range(n_statements)
    ]
    article = ArticleFactory(body="\n".join(lines))
    entities = [Entity.objects.create(label="ORG", name=f"Entity {i}") for i in range(5)]
    phrases = ["ministry", "Acme Corp", "million", "Kyiv", "Lviv"][:mentions_per_statement]
    statements, mentions, offset = [], [], 0
    for i, line in enumerate(lines):
        statements.append(
            Statement(
                article=article, start=offset, end=offset + len(line), text=line, order=i, score=1
            )
        )
        for j, phrase in enumerate(phrases):
            at = offset + line.index(phrase)
            mentions.append(
                EntityMention(
                    article=article,
                    entity=entities[j],
                    start=at,
                    end=at + len(phrase),
                    text=phrase,
                    label="ORG",
                    source="model",
                )
            )
        offset += len(line) + 1
    Statement.objects.bulk_create(statements)
    EntityMention.objects.bulk_create(mentions)
    first = Statement.objects.filter(article=article).order_by("start").first()
    save_as(rita, first)  # the selected statement has a verdict with a source
    return article, first


def test_the_review_page_uses_the_same_number_of_queries_whatever_the_article_size(
    rita, rita_client, django_assert_num_queries
):
    small = _article_of_size(1, 1, rita=rita)
    big = _article_of_size(200, 5, rita=rita)
    assert big[0].mentions.count() == 1000
    for article, statement in (small, big):
        url = reverse("article_detail", args=[article.pk])
        # session, user, the user's groups, article (with tagging job and author),
        # statements (with verdicts and assignees), mentions (with entities).
        with django_assert_num_queries(6):
            assert rita_client.get(url).status_code == 200
        # The first panel of a statement stores its vectors ("checked before"); then:
        rita_client.get(url, {"s": statement.pk})
        # ... the selected statement with its verdict, its sources, its mentions (as models
        # for the panel: the text reads the article's as values), the reviewers, and for
        # its matches whether the published claims changed, and its stored vectors.
        with django_assert_num_queries(12):
            response = rita_client.get(url, {"s": statement.pk})
        assert "Rita&#x27;s reading." in response.content.decode()


def test_relabelling_everywhere_fixes_every_mention_of_the_entity_and_only_those(rita_client, rita):
    from annotations.models import LearnedName
    from tests.factories import EntityFactory, StatementFactory

    article = ArticleFactory(body="Rotterdam grew. Rotterdam’s port. Paris and Rotterdam met.")
    statement = StatementFactory(article=article, phrase="Rotterdam grew.")
    wrong = EntityFactory(name="Rotterdam", label="PERSON")
    paris = EntityMentionFactory(article=article, phrase="Paris", label="GPE", source="model")
    at, rotterdams = 0, []
    for _ in range(3):
        at = article.body.index("Rotterdam", at)
        rotterdams.append(
            EntityMentionFactory(
                article=article, entity=wrong, start=at, end=at + 9, label="PERSON", source="model"
            )
        )
        at += 9
    panel = rita_client.get(reverse("statement_panel", args=[statement.pk]), **SCRIPT)
    assert "all 3 mentions in this article" in panel.content.decode()

    data = {"label": "GPE", "statement": statement.pk, "everywhere": "1"}
    response = post(rita_client, "mention_relabel", rotterdams[0].pk, data, **SCRIPT)
    assert response.status_code == 200
    assert "“Rotterdam” is now marked GPE in 3 places in this article." in html.unescape(
        response.content.decode()
    )
    visible = EntityMention.objects.filter(article=article, removed=False).order_by("start")
    assert [(m.text, m.label, m.source) for m in visible] == [
        ("Rotterdam", "GPE", "human"),
        ("Rotterdam", "GPE", "human"),
        ("Paris", "GPE", "model"),
        ("Rotterdam", "GPE", "human"),
    ]
    assert visible.get(text="Paris").pk == paris.pk
    assert LearnedName.objects.get(name="Rotterdam").label == "GPE"

    # Without the box ticked, one mention only.
    data = {"label": "LOC", "statement": statement.pk}
    response = post(rita_client, "mention_relabel", visible.first().pk, data, **SCRIPT)
    labels = list(visible.filter(text="Rotterdam").values_list("label", flat=True))
    assert labels == ["LOC", "GPE", "GPE"]
