"""Records in the browser: from a statement's speaker and entities to their record
across articles; an editor merges two entities that are one."""

import re

from playwright.sync_api import expect

from annotations.models import EntityMention
from tests.browser.conftest import PASSWORD
from tests.browser.test_review import open_article, panel_of
from tests.browser.test_workday import PHONE, _editor, _fits
from tests.factories import (
    ArticleFactory,
    EntityFactory,
    EntityMentionFactory,
    PublishedVerdictFactory,
    StatementFactory,
)


def _said(text, speaker, entity, phrase, **published):
    article = ArticleFactory(title=text[:30], body=f"{text}\nMore.")
    statement = StatementFactory(article=article, phrase=text, speaker=speaker)
    EntityMentionFactory(article=article, entity=entity, phrase=phrase, label=entity.label)
    if published:
        PublishedVerdictFactory(statement=statement, **published)
    return statement


def test_a_reviewer_follows_a_speaker_and_an_entity_to_their_records(page, rita, login, screenshot):
    berg = EntityFactory(name="Anna Berg", label="PERSON")
    _said("Anna Berg said school spending rises 12%.", "Anna Berg", berg, "Anna Berg",
          rating="mostly_true")  # fmt: skip
    now = _said("Anna Berg said rents doubled in 5 years.", "Anna Berg", berg, "Anna Berg")
    login(page, "rita", PASSWORD)
    open_article(page, now.article, now)
    panel = panel_of(page, now)
    panel.get_by_role("link", name="Anna Berg", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Berg")
    expect(page.locator(".rating-counts")).to_contain_text("Mostly true 1")
    expect(page.locator(".record-list tbody tr")).to_have_count(2)
    screenshot(page, "records-claimant")
    page.go_back()
    panel = panel_of(page, now)
    panel.locator(".mention-item", has_text="Anna Berg").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anna Berg")
    expect(page.locator(".record-list tbody tr")).to_have_count(2)


def test_an_editor_merges_an_entity_into_another_from_its_page(new_context, login, screenshot):
    _editor()
    full = EntityFactory(name="Volodymyr Zelenskyy", label="PERSON")
    short = EntityFactory(name="Zelenskyy", label="PERSON")
    _said("Zelenskyy said 34 countries met.", "", short, "Zelenskyy")
    _said("Volodymyr Zelenskyy said 26 will help.", "", full, "Volodymyr Zelenskyy")
    page = new_context(viewport=PHONE).new_page()
    login(page, "eddie", PASSWORD)
    page.goto(f"/entities/{short.pk}/")
    _fits(page)
    page.get_by_label("Merge this entity into").select_option(str(full.pk))
    page.get_by_role("button", name="Merge Zelenskyy into the chosen entity").click()
    expect(page).to_have_url(re.compile(rf"/entities/{full.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Merged “Zelenskyy” into this entity")
    expect(page.locator(".record-list tbody tr")).to_have_count(2)
    expect(page.locator(".timeline")).to_contain_text("Merged “Zelenskyy” in")
    _fits(page)
    screenshot(page, "records-merged-390")
    assert EntityMention.objects.filter(entity=full).count() == 2
