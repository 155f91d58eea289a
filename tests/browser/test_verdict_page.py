"""The public verdict page in Chromium: the ClaimReview JSON-LD is in the DOM as data, the
strict script policy reports nothing, and the document is the one partners get."""

import json

from annotations.publishing.claimreview import claimreview_jsonld
from tests.factories import ArticleFactory, PublishedVerdictFactory, StatementFactory


def test_the_verdict_page_carries_its_claimreview_without_any_policy_violation(page, screenshot):
    article = ArticleFactory(title="Budget story", publisher="The Daily")
    statement = StatementFactory(article=article, speaker="Statistics Netherlands")
    published = PublishedVerdictFactory(statement=statement)
    page.add_init_script(
        """window.__violations = [];
        document.addEventListener("securitypolicyviolation",
            (e) => window.__violations.push(e.violatedDirective));"""
    )
    page.goto(f"/verdicts/{published.pk}/")
    blocks = page.locator('script[type="application/ld+json"]')
    assert blocks.count() == 1
    assert json.loads(blocks.text_content()) == claimreview_jsonld(published.document)
    assert page.evaluate("window.__violations") == []
    screenshot(page, "public-verdict-page")
