"""An organisation quoted as the source of a figure is the statement's claimant and is
tagged as an organisation (real model, tasks in-process)."""

import pytest

from tests.tagging.conftest import model_mentions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]


def test_statistics_netherlands_is_the_claimant_and_an_organisation(ingest):
    article = ingest(
        "Unemployment in Rotterdam fell to 5.1% last year, according to Statistics Netherlands."
    )
    (statement,) = article.statements.all()
    assert statement.speaker == "Statistics Netherlands"
    body = [m for m in model_mentions(article) if m.text == "Statistics Netherlands"]
    assert [m.label for m in body] == ["ORG"]  # the small model alone says GPE
