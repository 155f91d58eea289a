"""The partner API: access, ClaimReview shape, filters, incremental sync, exports."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations.editorial.services import (
    verdict_correction_start,
    verdict_return,
    verdict_withdraw,
)
from annotations.models import Article, Partner, PublishedVerdict, Statement
from annotations.partners.api.pagination import position_text
from annotations.partners.tokens import partner_token_create, partner_token_revoke
from annotations.publishing.selectors import PAGE_ROW_MODIFIED_AT, claimreview_page_query
from annotations.review.services import SourceInput, verdict_save
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    EntityAliasFactory,
    EntityFactory,
    EntityMentionFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/claimreviews/"


@pytest.fixture(autouse=True)
def settled_at_once(settings):
    settings.API_SYNC_LAG_SECONDS = 0
    cache.clear()  # throttle counters


@pytest.fixture
def partner_client():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token_create(name='Newsroom').secret}")
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- Access ---------------------------------------------------------------------------


def test_anonymous_and_bad_tokens_get_401(client):
    PublishedVerdictFactory()
    new = partner_token_create(name="Gone")
    partner_token_revoke(prefix=new.token.prefix)
    inactive = partner_token_create(name="Sleeping")
    Partner.objects.filter(name="Sleeping").update(is_active=False)
    for header in (None, "Bearer fcp_nope", f"Bearer {new.secret}", f"Bearer {inactive.secret}"):
        api = APIClient()
        if header:
            api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get(LIST)
        assert response.status_code == 401, header
        assert "WWW-Authenticate" in response


def test_a_token_checked_moments_ago_is_not_looked_up_again_but_revoking_it_stops_it_at_once(
    settings, django_assert_num_queries
):
    settings.API_TOKEN_CACHE_SECONDS = 5
    PublishedVerdictFactory()
    new = partner_token_create(name="Poller")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    assert api.get(LIST).status_code == 200  # token looked up and remembered
    with django_assert_num_queries(1):  # the page only
        assert api.get(LIST).status_code == 200
    partner_token_revoke(prefix=new.token.prefix)
    assert api.get(LIST).status_code == 401


def test_partners_and_editors_read_but_reviewers_and_outsiders_do_not(client, partner_client):
    PublishedVerdictFactory()
    assert len(results(partner_client.get(LIST))) == 1
    api = APIClient()
    api.force_authenticate(EditorFactory())
    assert len(results(api.get(LIST))) == 1
    api.force_authenticate(ReviewerFactory())
    assert api.get(LIST).status_code == 403


SESSION_PATHS = [LIST, "/api/v1/articles/", "/api/v1/export.ndjson", "/api/v1/export.csv"]


def test_a_staff_account_in_neither_desk_group_can_neither_read_nor_write_by_session(client):
    # It sees no article on the site, so none through the API either.
    PublishedVerdictFactory()
    client.force_login(UserFactory(username="ops", is_staff=True))
    for path in SESSION_PATHS:
        assert client.get(path).status_code == 403, path
    text = "Budget day\nThe minister said 12% of the 300 schools closed in 2024."
    response = client.post("/api/v1/articles/", {"text": text}, content_type="application/json")
    assert response.status_code == 403
    assert not Article.objects.filter(body__contains="300 schools").exists()


def test_an_editor_reads_and_ingests_by_session(client):
    PublishedVerdictFactory()
    client.force_login(EditorFactory())
    for path in SESSION_PATHS:
        assert client.get(path).status_code == 200, path
    text = "Budget day\nThe minister said 12% of the 300 schools closed in 2024."
    response = client.post("/api/v1/articles/", {"text": text}, content_type="application/json")
    assert response.status_code == 201


def test_no_unpublished_verdict_reviewer_name_or_editor_note_ever_leaves(partner_client):
    rita, eddie = ReviewerFactory(username="rita-the-reviewer"), EditorFactory(username="eddie")
    draft, submitted, returned = StatementFactory.create_batch(3)
    for statement in (draft, submitted, returned):
        verdict_save(
            statement_id=statement.pk,
            user=rita,
            rating="true",
            explanation="Secret",
            sources=[SourceInput(url="https://example.org/x")],
            base_version=0,
            submit=statement is not draft,
        )
    verdict_return(statement_id=returned.pk, user=eddie, note="Editor-only note", base_version=1)
    published = PublishedVerdictFactory(reviewer=rita, editor=EditorFactory(username="approver"))
    bodies = [
        partner_client.get(LIST).content,
        partner_client.get(f"{LIST}{published.pk}/").content,
        partner_client.get("/api/v1/articles/").content,
        partner_client.get(f"/api/v1/articles/{published.statement.article_id}/").content,
        b"".join(partner_client.get("/api/v1/export.ndjson").streaming_content),
        b"".join(partner_client.get("/api/v1/export.csv").streaming_content),
    ]
    for body in bodies:
        text = body.decode()
        for secret in ("rita-the-reviewer", "approver", "Editor-only note", "Secret"):
            assert secret not in text
    assert [r["id"] for r in results(partner_client.get(LIST))] == [published.pk]
    for statement in (draft, submitted, returned):
        assert partner_client.get(f"{LIST}{statement.pk + 1000}/").status_code == 404


def test_per_partner_throttling_answers_429_with_retry_after(partner_client):
    Partner.objects.filter(name="Newsroom").update(rate_per_minute=3)
    codes = [partner_client.get(LIST).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = partner_client.get(LIST)
    assert int(response["Retry-After"]) > 0


def test_a_partners_count_starts_afresh_with_the_next_minute(partner_client):
    """The counter expires with its window (set on its first hit, not renewed): a partner
    throttled now is not throttled forever."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("the window's expiry is Redis's (REDIS_URL unset)")
    partner = Partner.objects.get(name="Newsroom")
    partner_client.get(LIST)
    partner_client.get(LIST)
    client = cache._cache.get_client(write=True)
    (key,) = client.keys(cache.make_key(f"throttle_partner_p{partner.pk}:*"))
    assert int(client.get(key)) == 2
    assert 0 < client.ttl(key) <= 60


def test_retry_after_is_sent_even_when_a_partners_rate_was_lowered(partner_client):
    Partner.objects.filter(name="Newsroom").update(rate_per_minute=3)
    assert [partner_client.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    Partner.objects.filter(name="Newsroom").update(rate_per_minute=1)
    response = partner_client.get(LIST)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


# --- ClaimReview ------------------------------------------------------------------------


def test_claimreview_has_the_required_and_recommended_properties(partner_client):
    article = ArticleFactory(
        title="Budget story", source_url="https://news.example.org/a", publisher="Daily"
    )
    statement = StatementFactory(article=article, speaker="Jane Minister")
    published = PublishedVerdictFactory(statement=statement, rating="mostly_false")
    (item,) = results(partner_client.get(LIST))
    assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
    assert item["claimReviewed"] == statement.text
    assert item["url"].endswith(f"/verdicts/{published.pk}/")
    assert item["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert item["author"]["@type"] == "Organization" and item["author"]["name"]
    assert item["datePublished"] and item["dateModified"]
    claim = item["itemReviewed"]
    assert claim["author"] == {"@type": "Person", "name": "Jane Minister"}
    assert claim["appearance"]["url"] == "https://news.example.org/a"
    assert claim["appearance"]["headline"] == "Budget story"
    assert item["citation"][0]["url"] == "https://example.org/treasury"


def test_misleading_and_unverifiable_have_a_name_but_no_number(partner_client):
    PublishedVerdictFactory(rating="misleading")
    (item,) = results(partner_client.get(LIST))
    assert item["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}


def test_a_correction_has_a_new_date_modified_and_a_withdrawal_is_a_tombstone(partner_client):
    published = PublishedVerdictFactory()
    first = results(partner_client.get(LIST))[0]["dateModified"]
    statement = published.statement
    verdict_correction_start(statement_id=statement.pk, user=ReviewerFactory())
    PublishedVerdictFactory(statement=Statement.objects.get(pk=statement.pk), rating="half_true")
    (item,) = results(partner_client.get(LIST, {"updated_since": first}))
    assert item["dateModified"] > first and item["reviewRating"]["alternateName"] == "Half true"
    assert "correction" in item

    verdict_withdraw(statement_id=statement.pk, user=EditorFactory(), reason="Retracted.")
    (gone,) = results(partner_client.get(LIST, {"updated_since": item["dateModified"]}))
    assert gone == {
        "id": published.pk,
        "withdrawn": True,
        "withdrawnAt": gone["withdrawnAt"],
        "dateModified": gone["dateModified"],
        "url": item["url"],
    }


# --- Filters and paging -----------------------------------------------------------------


def test_filters_by_verdict_article_and_entity(partner_client):
    a, b = PublishedVerdictFactory(rating="true"), PublishedVerdictFactory(rating="false")
    entity = EntityFactory(name="Anna Berg")
    article = b.statement.article
    EntityMentionFactory(
        article=article,
        entity=entity,
        start=b.statement.start,
        end=b.statement.start + 5,
        text=article.body[b.statement.start : b.statement.start + 5],
    )
    ids = lambda **q: [r["id"] for r in results(partner_client.get(LIST, q))]  # noqa: E731
    assert ids(verdict="true") == [a.pk]
    assert ids(article=a.statement.article_id) == [a.pk]
    assert ids(entity=entity.pk) == [b.pk]
    assert ids(entity="anna BERG") == [b.pk]  # or its canonical name, in any case
    assert ids(entity="Nobody") == []


def test_a_partner_finds_verdicts_by_any_name_tagging_knows_the_entity_by(partner_client):
    verdict = PublishedVerdictFactory()
    eu = EntityFactory(label="ORG", name="European Union")
    EntityAliasFactory(entity=eu, key="eu")  # the key tagging stores for "EU"
    statement = verdict.statement
    EntityMentionFactory(
        article=statement.article,
        entity=eu,
        start=statement.start,
        end=statement.start + 5,
        text=statement.article.body[statement.start : statement.start + 5],
    )
    ids = lambda **q: [r["id"] for r in results(partner_client.get(LIST, q))]  # noqa: E731
    assert ids(entity="EU") == ids(entity="eu") == [verdict.pk]  # normalised as stored
    assert ids(entity="E.U. Commission") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-11-20"}, "updated_since"),  # a date is not an instant
        ({"updated_since": "2026-11-20T09:12:00"}, "updated_since"),  # no time zone
        ({"updated_since": ""}, "updated_since"),
        ({"verdict": "pants"}, "verdict"),
        ({"verdict": ""}, "verdict"),
        ({"article": "x"}, "article"),
        ({"article": "5.0"}, "article"),
        ({"article": "0"}, "article"),
        ({"article": "9" * 5000}, "article"),
        ({"entity": ""}, "entity"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"page_size": ["5", "6"]}, "page_size"),
        ({"verdict": ["true", "false"]}, "verdict"),
        ({"cursor": "cD0yMDI2"}, "cursor"),  # DRF's kind of cursor is not this API's
        ({"cursor": "f0.x"}, "cursor"),
    ],
)
def test_bad_query_parameters_are_a_400_naming_the_parameter(partner_client, params, field):
    response = partner_client.get(LIST, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_updated_since_takes_any_rfc3339_offset(partner_client):
    published = PublishedVerdictFactory()
    modified = published.modified_at
    for since in (
        modified.isoformat(),
        modified.astimezone(timezone(timedelta(hours=-5))).isoformat(),
        modified.strftime("%Y-%m-%dt%H:%M:%S.%fz"),
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC: before everything
    ):
        assert [r["id"] for r in results(partner_client.get(LIST, {"updated_since": since}))] == [
            published.pk
        ], since
    later = (modified + timedelta(seconds=1)).isoformat()
    assert results(partner_client.get(LIST, {"updated_since": later})) == []
    assert results(partner_client.get(LIST, {"updated_since": "9999-12-31T23:59:59-23:59"})) == []


def test_incremental_sync_sees_every_record_exactly_once_while_editors_publish(partner_client):
    for _ in range(7):
        PublishedVerdictFactory()
    seen, url = [], f"{LIST}?page_size=3"
    while url:
        body = partner_client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        if len(seen) == 3:  # editors publish while the partner is paging
            PublishedVerdictFactory()
            PublishedVerdictFactory()
        url = body["next"]
    assert len(seen) == 9 and len(set(seen)) == 9


@pytest.mark.parametrize(
    "instant",
    [datetime(2026, 3, 1, 9, 0, tzinfo=UTC), datetime(2026, 3, 1, 9, 0, 1, 250, tzinfo=UTC)],
    ids=["whole-second", "fraction"],
)
def test_a_page_reads_each_records_position_to_the_microsecond(instant):
    # The cursor compares the positions it decodes (str() of a datetime) with the rows'.
    published = PublishedVerdictFactory()
    PublishedVerdict.objects.filter(pk=published.pk).update(modified_at=instant)
    (row,) = claimreview_page_query(article=published.statement.article_id)[0:1]
    assert position_text(row[PAGE_ROW_MODIFIED_AT]) == str(instant)


def test_paging_through_records_sharing_an_instant_sees_each_once(partner_client):
    whole, fractional = (
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 0, 1, 250, tzinfo=UTC),
    )
    ids = []
    for instant in (whole,) * 4 + (fractional,) * 3:
        published = PublishedVerdictFactory()
        PublishedVerdict.objects.filter(pk=published.pk).update(modified_at=instant)
        ids.append(published.pk)
    assert pages_followed(partner_client, f"{LIST}?page_size=2") == [
        ids[0:2],
        ids[2:4],
        ids[4:6],
        ids[6:],
    ]


def pages_followed(client, url: str, *, link: str = "next") -> list[list[int]]:
    """The ids of each page from ``url`` on, following the ``link`` of each."""
    pages = []
    while url:
        body = client.get(url).json()
        pages.append([r["id"] for r in body["results"]])
        url = body[link]
    return pages


def test_the_previous_link_pages_back_through_what_next_showed(partner_client):
    ids = []
    for minute in range(5):
        published = PublishedVerdictFactory()
        instant = datetime(2026, 3, 1, 9, minute, tzinfo=UTC)
        PublishedVerdict.objects.filter(pk=published.pk).update(modified_at=instant)
        ids.append(published.pk)
    forward = pages_followed(partner_client, f"{LIST}?page_size=2")
    assert forward == [ids[0:2], ids[2:4], ids[4:]]
    second = partner_client.get(partner_client.get(f"{LIST}?page_size=2").json()["next"])
    last = partner_client.get(second.json()["next"]).json()
    assert pages_followed(partner_client, last["previous"], link="previous") == [ids[2:4], ids[0:2]]


def test_a_filter_holds_on_every_page_of_the_list(partner_client):
    true = [PublishedVerdictFactory(rating="true").pk for _ in range(3)]
    PublishedVerdictFactory(rating="false")
    true.append(PublishedVerdictFactory(rating="true").pk)
    pages = pages_followed(partner_client, f"{LIST}?page_size=2&verdict=true")
    assert pages == [true[0:2], true[2:4]]


def test_list_endpoints_use_a_constant_number_of_queries(partner_client, django_assert_num_queries):
    PublishedVerdictFactory()
    # token lookup, last-used update, page of claim reviews
    with django_assert_num_queries(3):
        partner_client.get(LIST, {"page_size": 1})
    for _ in range(10):
        PublishedVerdictFactory()
    with django_assert_num_queries(2):  # last-used is written at most once a minute
        assert len(results(partner_client.get(LIST, {"page_size": 100}))) == 11
    with django_assert_num_queries(2):  # token, page of articles (cursor: no COUNT)
        partner_client.get("/api/v1/articles/", {"page_size": 100})


def test_a_repeated_request_with_the_etag_gets_304(partner_client):
    PublishedVerdictFactory()
    first = partner_client.get(LIST)
    again = partner_client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_schema_documents_the_304_and_406_a_claimreview_can_get(client, partner_client):
    published = PublishedVerdictFactory()
    url = f"{LIST}{published.pk}/"
    first = partner_client.get(url)
    assert partner_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert partner_client.get(url, HTTP_ACCEPT="application/xml").status_code == 406
    schema = client.get("/api/schema/", {"format": "json"}).json()
    documented = schema["paths"]["/api/v1/claimreviews/{id}/"]["get"]["responses"]
    assert {"304", "406"} <= documented.keys()


# --- Articles -----------------------------------------------------------------------------


def test_an_article_comes_with_its_published_statements_sources_and_entities(partner_client):
    article = ArticleFactory(body="Intro.\nThe minister said 12% of the 300 schools closed.")
    published = PublishedVerdictFactory(
        statement=StatementFactory(
            article=article,
            phrase="The minister said 12% of the 300 schools closed.",
            figures=[{"text": "12%", "start": 25, "end": 28, "kind": "percent"}],
        )
    )
    StatementFactory(article=article, phrase="Intro.")  # not published: not shown
    body = partner_client.get(f"/api/v1/articles/{article.pk}/").json()
    (statement,) = body["statements"]
    assert statement["claimreview_id"] == published.pk
    assert statement["figures"][0]["kind"] == "percent"
    assert statement["sources"][0]["url"] == "https://example.org/treasury"
    assert body["body"][statement["start"] : statement["end"]] == statement["text"]


def test_the_article_list_counts_each_articles_live_published_verdicts(partner_client):
    body = "One rose 1%. Two rose 2%. Three rose 3%."
    counted = ArticleFactory(body=body)
    for phrase in ("One rose 1%.", "Two rose 2%.", "Three rose 3%."):
        PublishedVerdictFactory(statement=StatementFactory(article=counted, phrase=phrase))
    withdrawn = PublishedVerdictFactory()  # the only verdict of its article
    for published in (withdrawn, PublishedVerdict.objects.filter(statement__article=counted)[0]):
        verdict_withdraw(statement_id=published.statement_id, user=EditorFactory(), reason="x")

    listed = partner_client.get("/api/v1/articles/").json()["results"]
    assert [(a["id"], a["published_count"]) for a in listed] == [(counted.pk, 2)]
    one = partner_client.get(f"/api/v1/articles/{counted.pk}/").json()
    assert one["published_count"] == 2 and len(one["statements"]) == 2


def test_trusted_clients_ingest_articles_and_get_their_statements_back(partner_client):
    text = "Budget day\nThe minister said 12% of the 300 schools closed in 2024."
    assert (
        partner_client.post("/api/v1/articles/", {"text": text}, format="json").status_code == 403
    )
    Partner.objects.filter(name="Newsroom").update(can_ingest=True)
    response = partner_client.post("/api/v1/articles/", {"text": text}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["statements"][0]["figures"] and body["tagging"] in {"queued", "succeeded"}
    again = partner_client.post("/api/v1/articles/", {"text": text}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    bad = partner_client.post("/api/v1/articles/", {"text": "   "}, format="json")
    assert bad.status_code == 400 and "text" in bad.json()


# --- Exports --------------------------------------------------------------------------------


def test_exports_stream_every_record_as_ndjson_and_csv(partner_client):
    ids = {PublishedVerdictFactory().pk for _ in range(3)}
    response = partner_client.get("/api/v1/export.ndjson")
    assert response.streaming and response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert {json.loads(line)["id"] for line in lines} == ids
    response = partner_client.get("/api/v1/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {int(r["id"]) for r in rows} == ids and rows[0]["verdict"] == "False"


def test_the_schema_documents_each_operations_errors_and_parameter_formats(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = {op["operationId"]: op for ops in schema["paths"].values() for op in ops.values()}
    for op in operations.values():
        assert {"401", "403", "429"} <= set(op["responses"]), op["operationId"]
        retry_after = op["responses"]["429"]["headers"]["Retry-After"]
        assert retry_after["schema"]["type"] == "integer"
    assert {"400"} <= set(operations["claimreviews_list"]["responses"])
    assert {"404"} <= set(operations["claimreviews_retrieve"]["responses"])
    assert {"400", "413", "415"} <= set(operations["articles_create"]["responses"])
    params = {p["name"]: p["schema"] for p in operations["claimreviews_list"]["parameters"]}
    assert params["updated_since"] == {"type": "string", "format": "date-time"}
    assert params["entity"]["type"] == "string"
    assert (params["page_size"]["minimum"], params["page_size"]["maximum"]) == (1, 500)


def test_the_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"ClaimReviewOrTombstone" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_a_claimreview_url_is_its_public_page_open_to_anyone(client, partner_client):
    published = PublishedVerdictFactory()
    (item,) = results(partner_client.get(LIST))
    page = client.get(item["url"].removeprefix(settings.SITE_URL))  # logged out
    assert page.status_code == 200 and published.statement.text in page.content.decode()
    assert client.get(f"/verdicts/{published.pk + 1}/").status_code == 404
