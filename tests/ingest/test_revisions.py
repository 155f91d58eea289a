"""Revised articles: a new text with the same source URL (or "new revision") is the next
revision, and the desk's statements, verdicts and marks are re-anchored onto it."""

import pytest

from annotations.ingest.services import ArticleInputError, article_ingest
from annotations.models import (
    Article,
    EntityMention,
    PublishedVerdict,
    ReviewEvent,
    Statement,
)
from annotations.nlp.anchoring import anchors_find, quote_at
from annotations.review.corrections import mention_add
from tests.factories import EditorFactory, PublishedVerdictFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

URL = "https://news.example.org/2026/eu-assets"
FROZEN = "The European Union holds €210 billion of immobilised Russian assets, officials said."
MEETING = "Delegations from 34 countries attended the meeting in London on Thursday."
FUND = "Only 26 countries will contribute to the new fund, according to the draft."
TEXT = f"EU ministers meet on frozen assets\n{FROZEN} {MEETING}\n{FUND}\n"


def _statement(article: Article, phrase: str) -> Statement:
    return Statement.objects.get(article=article, text__contains=phrase)


def _slices_back(statement: Statement) -> bool:
    body = statement.article.body
    return body[statement.start : statement.end] == statement.text and all(
        body[f["start"] : f["end"]] == f["text"] for f in statement.figures
    )


@pytest.fixture
def first():
    return article_ingest(text=TEXT, source_url=URL).article


def test_a_new_text_with_the_same_source_url_is_the_next_revision_not_a_new_article(first):
    result = article_ingest(text="Update: talks go on.\n" + TEXT, source_url=URL)
    revision = result.article
    assert result.created and result.revised is not None
    assert revision.revision == 2 and revision.previous_revision_id == first.pk
    assert revision.title == first.title  # not the new first line
    assert first.next_revision == revision
    assert Article.objects.filter(source_url=URL, next_revision__isnull=True).get() == revision


def test_a_verdict_is_carried_to_its_sentence_moved_in_the_new_text(first):
    statement = _statement(first, "34 countries")
    PublishedVerdictFactory(statement=statement)
    new_text = "Update, 18:00: ministers agreed a statement.\n" + TEXT
    result = article_ingest(text=new_text, source_url=URL)

    statement.refresh_from_db()
    assert statement.article_id == result.article.pk
    assert statement.anchor == Statement.Anchor.CARRIED
    assert statement.text == MEETING and _slices_back(statement)
    assert statement.review_state == Statement.ReviewState.APPROVED
    assert result.revised.carried == 1 and result.revised.changed == 0
    # The new text's own detection of that sentence gave way to the carried statement.
    assert result.article.statements.filter(text=MEETING).count() == 1
    event = statement.events.order_by("-id").first()
    assert event.action == ReviewEvent.Action.REANCHORED and "revision 2" in event.note


def test_a_reworded_sentence_is_carried_as_changed_and_its_published_verdict_goes_back_to_an_editor(
    first,
):
    statement = _statement(first, "€210 billion")
    published = PublishedVerdictFactory(statement=statement)
    document_before = published.document
    revised = TEXT.replace("€210 billion", "€225 billion")
    article = article_ingest(text=revised, source_url=URL).article

    statement.refresh_from_db()
    assert statement.article_id == article.pk
    assert statement.anchor == Statement.Anchor.CHANGED
    assert "€225 billion" in statement.text and statement.previous_text == FROZEN
    assert [f["text"] for f in statement.figures] == ["€225 billion"]
    assert _slices_back(statement)
    assert statement.review_state == Statement.ReviewState.SUBMITTED
    # Partners keep the published version until an editor approves the new wording.
    published.refresh_from_db()
    assert published.document == document_before
    assert "goes back to an editor" in statement.events.order_by("-id").first().note


def test_an_editor_approves_the_carried_verdict_again_and_it_is_published_as_corrected(first):
    from annotations.editorial.services import verdict_approve

    statement = _statement(first, "€210 billion")
    PublishedVerdictFactory(statement=statement)
    article_ingest(text=TEXT.replace("€210 billion", "€225 billion"), source_url=URL)
    statement.refresh_from_db()

    published = verdict_approve(
        statement_id=statement.pk, user=EditorFactory(), base_version=statement.verdict.version
    )
    assert published.correction_count == 1
    assert "€225 billion" in published.document["claimReviewed"]


def test_a_sentence_gone_from_the_new_text_is_orphaned_and_kept_on_its_own_revision(first):
    statement = _statement(first, "26 countries")
    PublishedVerdictFactory(statement=statement)
    result = article_ingest(text=TEXT.replace(FUND, "Talks will resume in May."), source_url=URL)

    statement.refresh_from_db()
    assert statement.anchor == Statement.Anchor.ORPHANED
    assert statement.article_id == first.pk and _slices_back(statement)
    assert result.revised.orphaned == 1
    assert PublishedVerdict.objects.filter(statement=statement).exists()
    assert "Not found in revision 2" in statement.events.order_by("-id").first().note


def test_untouched_machine_statements_stay_with_their_text_and_the_new_text_gets_its_own(first):
    old_ids = set(first.statements.values_list("pk", flat=True))
    article = article_ingest(text=TEXT + "Exports fell by 12% in 2025.\n", source_url=URL).article
    assert set(first.statements.values_list("pk", flat=True)) == old_ids
    texts = list(article.statements.values_list("text", flat=True))
    assert "Exports fell by 12% in 2025." in texts and MEETING in texts
    assert not set(article.statements.values_list("pk", flat=True)) & old_ids


def test_a_reviewers_mark_is_carried_by_its_quote(first):
    reviewer = ReviewerFactory()
    start = first.body.index("London")
    mention_add(
        article_id=first.pk,
        user=reviewer,
        start=start,
        end=start + len("London"),
        label="GPE",
        text="London",
    )
    article = article_ingest(text="Breaking.\n" + TEXT, source_url=URL).article
    mention = EntityMention.objects.get(source=EntityMention.Source.HUMAN, removed=False)
    assert mention.article_id == article.pk
    assert article.body[mention.start : mention.end] == "London"


def test_new_revision_of_an_older_revision_is_refused_and_nothing_is_stored(first):
    article_ingest(text="Second.\n" + TEXT, source_url=URL)
    count = Article.objects.count()
    with pytest.raises(ArticleInputError, match="already has a newer revision"):
        article_ingest(text="Third.\n" + TEXT, revision_of=first)
    assert Article.objects.count() == count


def test_a_chain_of_revisions_keeps_every_offset_slicing_its_own_text(first):
    statement = _statement(first, "€210 billion")
    PublishedVerdictFactory(statement=statement)
    second = article_ingest(text="One.\n" + TEXT, source_url=URL).article
    third = article_ingest(text="Two.\nOne.\n" + TEXT.replace("210", "211"), source_url=URL)
    statement.refresh_from_db()
    assert third.article.revision == 3 and third.article.previous_revision == second
    assert statement.article_id == third.article.pk and _slices_back(statement)
    for s in Statement.objects.all():
        assert _slices_back(s), s.text


def test_anchoring_prefers_the_occurrence_whose_context_matches():
    old = "A said: prices rose. B said: wages fell. C said: prices rose."
    new = "Intro. A said: prices rose. C said: prices rose. B said: wages fell."
    quote = quote_at(body=old, start=old.rindex("prices rose."), end=len(old))
    (anchor,) = anchors_find(quotes=[quote], body=new)
    assert anchor.exact and new[anchor.start - 8 : anchor.start] == "C said: "


def test_anchoring_does_not_take_an_unrelated_sentence_for_a_reworded_one():
    old = "The fund holds €210 billion. It was set up in 2022."
    new = "The weather was fine. Nobody came to the meeting."
    quote = quote_at(body=old, start=0, end=old.index(" It"))
    sentences = [(0, new.index(" Nobody")), (new.index("Nobody"), len(new))]
    assert anchors_find(quotes=[quote], body=new, sentences=sentences) == [None]
