"""Entity and claimant records across articles, and editors' merges of entities."""

import pytest
from django.urls import reverse

from annotations.core.errors import Forbidden, InvalidInput
from annotations.editorial.records import entity_merge
from annotations.models import Entity, EntityAlias, EntityMention, EntityMerge
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    EntityAliasFactory,
    EntityFactory,
    EntityMentionFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def _said(text, speaker, entity=None, phrase=None, **published):
    article = ArticleFactory(body=f"{text}\nMore.")
    statement = StatementFactory(article=article, phrase=text, speaker=speaker)
    if entity is not None:
        EntityMentionFactory(article=article, entity=entity, phrase=phrase, label=entity.label)
    if published:
        PublishedVerdictFactory(statement=statement, **published)
    return statement


def test_a_claimants_record_lists_what_they_said_everywhere_with_counts_by_rating(client):
    _said("Anna Berg said schools get 12% more.", "Anna Berg", rating="false")
    _said("Anna Berg said rents doubled in 5 years.", "anna berg", rating="false")
    _said("Anna Berg said the tram costs €300m.", "Anna Berg", rating="true")
    _said("Anna Berg said 3 parks will open.", "Anna Berg")
    _said("Tom Havel said buses lost 15%.", "Tom Havel", rating="true")
    client.force_login(ReviewerFactory())
    response = client.get(reverse("claimant_record"), {"name": "ANNA BERG"})
    assert response.status_code == 200
    record = response.context["record"]
    assert record.total == 4 and record.published == 3
    assert record.by_rating == [("true", "True", 1), ("false", "False", 2)]
    assert "Tom Havel said" not in response.content.decode()
    assert client.get(reverse("claimant_record")).status_code == 404


def test_an_entitys_record_finds_the_statements_that_mention_it_in_every_article(
    client, django_assert_max_num_queries
):
    eu = EntityFactory(name="European Union", label="ORG")
    _said("The EU froze €210 billion.", "", entity=eu, phrase="EU", rating="half_true")
    _said("The EU has 27 members.", "", entity=eu, phrase="EU")
    _said("Belgium holds 90% of the assets.", "")
    client.force_login(ReviewerFactory())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("entity_record", args=[eu.pk]))
    record = response.context["record"]
    assert [s.text for s in record.statements] == [
        "The EU has 27 members.",
        "The EU froze €210 billion.",
    ]
    assert record.by_rating == [("half_true", "Half true", 1)]
    assert response.context["can_merge"] is False


def test_an_editor_merges_two_entities_that_are_one_and_the_history_keeps_it(client):
    full = EntityFactory(name="Volodymyr Zelenskyy", label="PERSON")
    short = EntityFactory(name="Zelenskyy", label="PERSON")
    EntityAliasFactory(entity=short, label="PERSON", key="zelenskyy")
    EntityAliasFactory(entity=full, label="PERSON", key="zelenskyy-dup")
    _said("Zelenskyy said 34 countries met.", "", entity=short, phrase="Zelenskyy")
    _said("Volodymyr Zelenskyy said 26 will help.", "", entity=full, phrase="Volodymyr Zelenskyy")
    editor = EditorFactory()
    client.force_login(editor)
    response = client.post(reverse("entity_record", args=[short.pk]), {"into": full.pk})
    assert response.status_code == 302 and response.url == reverse("entity_record", args=[full.pk])
    assert not Entity.objects.filter(pk=short.pk).exists()
    assert EntityMention.objects.filter(entity=full).count() == 2
    assert set(EntityAlias.objects.filter(entity=full).values_list("key", flat=True)) == {
        "zelenskyy",
        "zelenskyy-dup",
    }
    merge = EntityMerge.objects.get()
    assert (merge.merged_name, merge.into_id, merge.mentions_moved, merge.actor_id) == (
        "Zelenskyy",
        full.pk,
        1,
        editor.pk,
    )
    page = client.get(reverse("entity_record", args=[full.pk]))
    assert page.context["record"].total == 2
    assert "Merged “Zelenskyy” in" in page.content.decode()
    # The old address leads to the entity it became.
    old = client.get(reverse("entity_record", args=[short.pk]))
    assert old.status_code == 302 and old.url == reverse("entity_record", args=[full.pk])


def test_an_editors_merge_menu_lists_the_same_labels_entities_with_their_mentions(client):
    eu = EntityFactory(name="European Union", label="ORG")
    union = EntityFactory(name="EU", label="ORG")
    EntityFactory(name="Euroclear", label="ORG")  # never mentioned
    EntityFactory(name="Europe", label="LOC")  # another label
    _said("The EU froze €210 billion.", "", entity=union, phrase="EU")
    _said("The EU has 27 members.", "", entity=union, phrase="EU")
    client.force_login(EditorFactory())
    page = client.get(reverse("entity_record", args=[eu.pk]))
    menu = [(c.name, c.n_mentions) for c in page.context["candidates"]]
    assert menu == [("EU", 2), ("Euroclear", 0)]
    assert "EU (2 mentions)" in page.content.decode()


def test_merging_is_for_editors_and_entities_with_the_same_label():
    person = EntityFactory(name="Rotterdam", label="PERSON")
    place = EntityFactory(name="Rotterdam", label="GPE")
    with pytest.raises(Forbidden):
        entity_merge(entity_id=person.pk, into_id=place.pk, user=ReviewerFactory())
    with pytest.raises(InvalidInput, match="same label"):
        entity_merge(entity_id=person.pk, into_id=place.pk, user=EditorFactory())
    with pytest.raises(InvalidInput):
        entity_merge(entity_id=person.pk, into_id=person.pk, user=EditorFactory())
    assert Entity.objects.count() == 2 and not EntityMerge.objects.exists()


def test_partners_filter_claimreviews_by_claimant(settings):
    from django.core.cache import cache
    from rest_framework.test import APIClient

    from annotations.partners.tokens import partner_token_create

    # Throttle counters are per partner id, and SQLite hands out the ids of earlier tests'
    # partners again: start this partner's window empty, as tests/partners' client does.
    cache.clear()
    settings.API_SYNC_LAG_SECONDS = 0
    berg = _said("Anna Berg said schools get 12% more.", "Anna Berg", rating="false")
    _said("Tom Havel said buses lost 15%.", "Tom Havel", rating="true")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='P').secret}")
    response = api.get(reverse("api_claimreviews"), {"claimant": "anna berg"})
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["itemReviewed"]["author"]["name"] == "Anna Berg"
    assert item["url"].endswith(f"/verdicts/{berg.published.pk}/")


def test_a_corrected_speaker_moves_the_statement_to_the_right_claimants_record(client):
    from annotations.editorial.records import claimant_record
    from annotations.review.services import ClaimInput
    from tests.factories import SubmittedVerdictFactory

    statement = _said("Rutte said 32 allies agreed.", "Rutte")
    SubmittedVerdictFactory(statement=statement, claim=ClaimInput(speaker="Mark Rutte"))
    assert claimant_record(name="Mark Rutte").total == 1
    assert claimant_record(name="Rutte").total == 0


def test_an_editor_who_submits_the_merge_form_without_choosing_merges_nothing(client):
    lakeford = EntityFactory(name="Lakeford", label="ORG")
    council = EntityFactory(name="Lakeford city council", label="ORG")
    client.force_login(EditorFactory())
    page = client.get(reverse("entity_record", args=[lakeford.pk])).content.decode()
    assert '<option value="">Choose an entity…</option>' in page  # nothing chosen for you
    assert "merge it into that one" in page  # the direction the form merges in

    response = client.post(reverse("entity_record", args=[lakeford.pk]), {"into": ""})
    assert response.status_code == 400
    assert (  # beside the menu, which says it is wrong
        '<p class="field-error" id="merge-into-error" role="alert">'
        "Choose the entity to merge this one into.</p>"
    ) in response.content.decode()
    assert 'aria-invalid="true" aria-describedby="merge-into-error"' in response.content.decode()
    assert Entity.objects.filter(pk__in=[lakeford.pk, council.pk]).count() == 2


def test_a_revised_articles_old_text_does_not_count_twice_in_an_entitys_record(client):
    from annotations.ingest.services import article_ingest

    text = "Lakeford council passes its budget\nThe council approved $312 million on Monday.\n"
    url = "https://news.example.org/lakeford"
    first = article_ingest(text=text, source_url=url).article
    second = article_ingest(text=text + "Protesters gathered outside.\n", source_url=url).article
    council = EntityFactory(name="Lakeford council", label="ORG")
    for article in (first, second):
        EntityMentionFactory(article=article, entity=council, phrase="council approved")
    client.force_login(ReviewerFactory())

    record = client.get(reverse("entity_record", args=[council.pk])).context["record"]
    assert record.total == 1
    assert [s.article_id for s in record.statements] == [second.pk]
