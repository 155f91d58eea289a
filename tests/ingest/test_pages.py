"""Intake by URL and HTML: fetching behind the SSRF guard, extraction, the archive."""

import datetime
import json
import socket
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotations.ingest import pages
from annotations.ingest.pages import PageError, page_extract, page_fetch, page_uploaded
from annotations.ingest.services import article_ingest, article_page_ingest
from annotations.models import ArchivedSource, Article
from tests.factories import ReviewerFactory
from tests.pages import NEWS_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_allowed(settings):
    settings.INGEST_URL_ALLOW_PRIVATE = True


@pytest.fixture
def reviewer_client(client):
    client.force_login(ReviewerFactory(username="rita"))
    return client


def test_a_news_page_becomes_an_article_without_its_boilerplate_and_with_its_page_archived(
    local_site, private_allowed
):
    url = local_site.route("/news/schools", NEWS_PAGE)
    result = article_page_ingest(page=page_fetch(url=url))
    article = result.article
    assert result.created
    assert article.title == "Minister's claim on schools"
    assert article.publisher == "Daily Example"
    assert article.published_on.isoformat() == "2024-03-05"
    assert article.source_url == url
    assert "12% of the 300 schools" in article.body
    for boilerplate in ("cookies", "Copyright", "Politics", "Sport", "scripted"):
        assert boilerplate not in article.body
    assert article.statements.exists()
    archived = ArchivedSource.objects.get(article=article)
    assert bytes(archived.content) == NEWS_PAGE.encode("utf-8")
    assert archived.final_url == url
    assert archived.content_type.startswith("text/html")
    assert archived.fetched_at is not None
    assert len(archived.sha256) == 64


def test_a_title_publisher_and_date_given_by_the_desk_win_over_the_pages_own():
    page = page_uploaded(content=NEWS_PAGE.encode(), source_url="https://example.org/a")
    article = article_page_ingest(
        page=page,
        title="Schools, checked",
        publisher="Example Daily",
        published_on=datetime.date(2024, 3, 6),
        field="html",
    ).article
    assert (article.title, article.publisher, str(article.published_on)) == (
        "Schools, checked",
        "Example Daily",
        "2024-03-06",
    )
    assert article.archived_source.fetched_at is None
    assert article.source_url == "https://example.org/a"


def test_a_loopback_url_is_refused_when_private_addresses_are_not_allowed(local_site, settings):
    settings.INGEST_URL_ALLOW_PRIVATE = False
    url = local_site.route("/news/schools", NEWS_PAGE)
    with pytest.raises(PageError) as caught:
        page_fetch(url=url)
    assert "127.0.0.1 is a loopback address" in caught.value.message
    assert caught.value.message.endswith("only public addresses are fetched")
    assert caught.value.field == "url"
    assert local_site.requests == []


def test_a_url_that_is_no_web_address_says_so_without_repeating_it():
    with pytest.raises(PageError) as caught:
        page_fetch(url="notaurl")
    assert caught.value.message == ("the address was refused: only http and https URLs are allowed")


def test_a_redirect_to_a_private_address_is_refused_at_that_hop(local_site, settings, monkeypatch):
    # The first hop stands for a public site (served here) that redirects into the
    # private network; the second goes through the guard like any other.
    settings.INGEST_URL_ALLOW_PRIVATE = False
    port = local_site.server.server_address[1]
    hops = []
    real_stream = pages.outbound_stream

    def stream(**kwargs):
        hops.append(kwargs["url"])
        if kwargs["url"].startswith("http://news.example"):
            # Stand in for the public site: answer with a redirect to the loopback.
            kwargs = {**kwargs, "url": local_site.base + "/go", "allow_private": True}
        return real_stream(**kwargs)

    monkeypatch.setattr(pages, "outbound_stream", stream)
    local_site.route("/go", b"", status=302, headers={"Location": "http://10.0.0.5/internal"})
    with pytest.raises(PageError) as caught:
        page_fetch(url=f"http://news.example:{port}/story")
    assert "10.0.0.5 is a private address" in caught.value.message
    assert hops == [f"http://news.example:{port}/story", "http://10.0.0.5/internal"]


def test_redirects_are_followed_and_each_hop_checked_up_to_five(local_site, private_allowed):
    local_site.route("/old", b"", status=301, headers={"Location": "/new"})
    local_site.route("/new", NEWS_PAGE)
    assert page_fetch(url=local_site.base + "/old").final_url == local_site.base + "/new"
    for n in range(7):
        local_site.route(f"/loop{n}", b"", status=302, headers={"Location": f"/loop{n + 1}"})
    with pytest.raises(PageError, match="redirects more than 5 times"):
        page_fetch(url=local_site.base + "/loop0")
    assert len([p for p in local_site.requests if p.startswith("/loop")]) == 6


def test_a_page_larger_than_the_limit_is_refused(local_site, private_allowed, settings):
    settings.INGEST_URL_MAX_BYTES = 1000
    url = local_site.route("/big", "<p>" + "x" * 5000 + "</p>")
    with pytest.raises(PageError, match="larger than"):
        page_fetch(url=url)

    def no_length(handler):
        # No Content-Length: the limit is counted while the body streams in.
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        for _ in range(50):
            handler.wfile.write(b"<p>" + b"y" * 100 + b"</p>")

    url = local_site.route("/streamed", no_length)
    with pytest.raises(PageError, match="larger than"):
        page_fetch(url=url)


def test_a_page_that_is_not_html_is_refused(local_site, private_allowed):
    url = local_site.route("/data.json", b'{"a": 1}', content_type="application/json")
    with pytest.raises(PageError, match="application/json, not HTML"):
        page_fetch(url=url)


def test_an_error_status_is_refused(local_site, private_allowed):
    with pytest.raises(PageError, match="HTTP 404"):
        page_fetch(url=local_site.base + "/missing")


def test_a_page_that_does_not_answer_in_time_is_refused(local_site, private_allowed, settings):
    settings.INGEST_URL_TIMEOUT_SECONDS = 0.5

    def slow(handler):
        time.sleep(2)
        handler.send_response(200)
        handler.end_headers()

    url = local_site.route("/slow", slow)
    started = time.monotonic()
    with pytest.raises(PageError, match=r"did not answer within 0\.5 seconds"):
        page_fetch(url=url)
    assert time.monotonic() - started < 1.5


def test_only_http_and_https_urls_are_fetched():
    for url in ("ftp://example.org/a", "file:///etc/passwd", "http://user:pw@example.org/"):
        with pytest.raises(PageError):
            page_fetch(url=url)


def test_a_page_without_article_text_is_a_clear_error_and_stores_nothing():
    page = page_uploaded(
        content=b"<html><head><title>Empty</title></head><body><script>1</script></body></html>"
    )
    with pytest.raises(PageError, match="no article text"):
        article_page_ingest(page=page, field="html")
    assert not Article.objects.exists()
    assert not ArchivedSource.objects.exists()


def test_extraction_reads_the_metadata_without_going_to_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("extraction went to the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    page = page_extract(html=NEWS_PAGE.encode(), url="https://news.example/schools")
    assert page.publisher == "Daily Example"
    assert page.title == "Minister's claim on schools"


def run_ingest_json(*args: str) -> dict:
    out = StringIO()
    call_command("ingest", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_command_ingests_a_url_with_its_statements(local_site, private_allowed):
    url = local_site.route("/news/schools", NEWS_PAGE)
    data = run_ingest_json("--url", url)
    article = Article.objects.get(pk=data["id"])
    assert article.channel == Article.Channel.CLI
    assert article.publisher == "Daily Example"
    assert data["statements"]
    assert article.archived_source.final_url == url


def test_the_command_ingests_a_saved_html_file_with_its_source_url(tmp_path):
    saved = tmp_path / "schools.html"
    saved.write_text(NEWS_PAGE)
    data = run_ingest_json("--html", str(saved), "--source-url", "https://news.example/a")
    article = Article.objects.get(pk=data["id"])
    assert article.source_url == "https://news.example/a"
    assert bytes(article.archived_source.content) == NEWS_PAGE.encode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "http://127.0.0.1:9/a"], "127.0.0.1 is a loopback address"),
        (["--url", "ftp://example.org/a"], "only http and https"),
        (["--html", "/nonexistent.html"], "/nonexistent.html: no such file"),
        (["--url", "https://example.org/", "x.txt"], "exactly one of them"),
        ([], "exactly one of them"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line_with_exit_code_1(args, message):
    with pytest.raises(CommandError) as caught:
        call_command("ingest", *args)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not Article.objects.exists()


def test_the_article_page_links_to_the_archived_source_served_as_sandboxed_text(
    reviewer_client,
):
    page = page_uploaded(content=NEWS_PAGE.encode(), source_url="https://news.example/a")
    article = article_page_ingest(page=page, field="html").article
    detail = reviewer_client.get(reverse("article_detail", args=[article.pk]))
    source_url = reverse("article_archived_source", args=[article.pk])
    assert f'href="{source_url}"' in detail.content.decode()
    assert "Archived source" in detail.content.decode()
    response = reviewer_client.get(source_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == NEWS_PAGE.encode()
    download = reviewer_client.get(source_url, {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment;")


def test_an_article_without_an_archived_source_has_no_link_and_its_url_is_404(reviewer_client):
    article = article_ingest(text="Headline\nThe minister said 12% of schools closed.").article
    detail = reviewer_client.get(reverse("article_detail", args=[article.pk]))
    assert "Archived source" not in detail.content.decode()
    source_url = reverse("article_archived_source", args=[article.pk])
    assert reviewer_client.get(source_url).status_code == 404


def test_the_form_adds_an_article_from_a_web_address(reviewer_client, local_site, private_allowed):
    url = local_site.route("/news/schools", NEWS_PAGE)
    response = reviewer_client.post(reverse("article_create"), {"url": url, "title": ""})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("article_detail", args=[article.pk])
    assert (article.title, article.publisher) == ("Minister's claim on schools", "Daily Example")
    assert article.archived_source.final_url == url


def test_the_form_adds_an_article_from_an_uploaded_html_page(reviewer_client):
    upload = SimpleUploadedFile("schools.html", NEWS_PAGE.encode(), content_type="text/html")
    response = reviewer_client.post(
        reverse("article_create"), {"html": upload, "publisher": "The Desk's Name"}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.channel == Article.Channel.UPLOAD
    assert article.publisher == "The Desk's Name"


def test_the_form_shows_a_refused_address_beside_its_field(reviewer_client, local_site):
    url = local_site.route("/news/schools", NEWS_PAGE)
    response = reviewer_client.post(reverse("article_create"), {"url": url})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["url"]
    assert "127.0.0.1 is a loopback address" in errors["url"][0]
    assert not Article.objects.exists()


def test_the_form_takes_one_source_only(reviewer_client):
    response = reviewer_client.post(
        reverse("article_create"),
        {"text": "The minister said 12% closed.", "url": "https://news.example/a"},
    )
    assert response.status_code == 400
    assert "Give one of" in response.context["form"].errors["url"][0]


def test_a_redirect_to_an_address_too_long_to_store_is_refused(local_site, private_allowed):
    local_site.route("/long", b"", status=302, headers={"Location": "/" + "a" * 2100})
    with pytest.raises(PageError, match="longer than 2000 characters"):
        page_fetch(url=local_site.base + "/long")
