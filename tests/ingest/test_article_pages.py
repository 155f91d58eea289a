import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from annotations.ingest.services import article_ingest
from annotations.models import Article
from tests.factories import ReviewerFactory

SAMPLE = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client):
    client.force_login(ReviewerFactory(username="rita"))
    return client


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("article_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_browsers_favicon_request_gets_the_sites_icon_without_logging_in(client):
    # (The browser test of the admin checks the icon itself loads: no 404 in its console.)
    response = client.get("/favicon.ico")
    assert (response.status_code, response.url) == (302, "/static/favicon.svg")


def test_login_page_has_username_and_password_fields(client):
    html = client.get(reverse("login")).content.decode()
    assert ">Username</label>" in html and ">Password</label>" in html
    assert ">Log in</button>" in html


def test_pasting_an_article_shows_it_with_statements_and_figures_highlighted(reviewer_client):
    response = reviewer_client.post(
        reverse("article_create"),
        {"title": "Coalition meeting", "text": SAMPLE, "publisher": "Desk"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coalition meeting" in html
    assert 'class="stmt"' in html
    assert '<strong class="fig fig-money" title="money">€210 billion</strong>' in html
    article = Article.objects.get()
    assert article.channel == Article.Channel.WEB
    assert article.created_by.username == "rita"


def test_uploading_a_text_file_ingests_it(reviewer_client):
    upload = SimpleUploadedFile("a.txt", SAMPLE.encode("utf-8"), content_type="text/plain")
    response = reviewer_client.post(reverse("article_create"), {"upload": upload})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("article_detail", args=[article.pk])
    assert article.channel == Article.Channel.UPLOAD


def test_a_file_that_is_not_utf8_gets_an_error_beside_the_upload_field(reviewer_client):
    upload = SimpleUploadedFile("a.txt", "Caf\xe9 12%".encode("latin-1"))
    response = reviewer_client.post(reverse("article_create"), {"upload": upload})
    assert response.status_code == 400
    assert "not valid UTF-8" in str(response.context["form"].errors["upload"])
    assert Article.objects.count() == 0


def test_submitting_neither_text_nor_file_asks_for_the_text(reviewer_client):
    response = reviewer_client.post(reverse("article_create"), {"title": "Empty"})
    assert response.status_code == 400
    assert "Paste the article" in str(response.context["form"].errors["text"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # Once, not once per validator.
        (
            "source_url",
            "javascript:alert(1)",
            "Enter a web address starting with http:// or https://.",
        ),
        (
            "published_on",
            "2099-01-01",
            "2099-01-01 is a date in the future: give the day the article was published.",
        ),
    ],
)
def test_a_bad_value_is_refused_beside_its_field_with_one_message(
    reviewer_client, field, value, message
):
    response = reviewer_client.post(reverse("article_create"), {"text": SAMPLE, field: value})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Article.objects.count() == 0


def test_every_help_text_is_the_description_its_field_points_at(reviewer_client):
    page = reviewer_client.get(reverse("article_create")).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described  # title, text, url have help texts
    for target in described:
        assert f'id="{target}"' in page


def test_a_title_too_long_is_refused_beside_its_field_not_cut_short(reviewer_client):
    page = reviewer_client.get(reverse("article_create")).content.decode()
    assert 'maxlength="300"' not in page  # a browser would cut a pasted title silently
    response = reviewer_client.post(reverse("article_create"), {"title": "T" * 400, "text": SAMPLE})
    assert response.status_code == 400
    assert "at most 300 characters" in str(response.context["form"].errors["title"])
    assert Article.objects.count() == 0


def test_script_in_title_and_text_is_shown_as_plain_text(reviewer_client):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    article = article_ingest(
        text=f"The minister said 40% of {payload} schools closed in 2024.", title=payload
    ).article
    html = reviewer_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_article_page_uses_the_same_number_of_queries_whatever_the_article_size(
    reviewer_client, django_assert_num_queries
):
    small = article_ingest(text="The EU froze €210 billion on Thursday.").article
    big = article_ingest(text=SAMPLE).article
    for article in (small, big):
        # session, user, user's groups, article with its tagging job and author,
        # statements with verdicts, mentions.
        with django_assert_num_queries(6):
            reviewer_client.get(reverse("article_detail", args=[article.pk]))


def test_tagging_endpoint_reports_the_job_state(reviewer_client):
    article = article_ingest(text=SAMPLE).article
    data = reviewer_client.get(reverse("article_tagging", args=[article.pk])).json()
    assert data["state"] in {"queued", "running", "succeeded"}


def test_article_list_shows_statement_counts_and_finds_articles_by_statement_text(
    reviewer_client,
):
    article = article_ingest(text=SAMPLE, title="Coalition meeting").article
    article_ingest(text="Headline\nThe mayor opened 3 parks in 2023.", title="Parks")
    html = reviewer_client.get(reverse("article_list"), {"q": "immobilised"}).content.decode()
    assert "Coalition meeting" in html and "Parks" not in html
    assert f">{article.statements.count()}</td>" in html


def test_unknown_article_is_a_404(reviewer_client):
    assert reviewer_client.get(reverse("article_detail", args=[999])).status_code == 404


# --- Requests the form cannot use ------------------------------------------------------


def multipart(**fields: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body of raw bytes, as a client that sends no UTF-8 may."""
    boundary = "fc-test-boundary"
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (boundary.encode(), name.encode(), value)
        for name, value in fields.items()
    ]
    body = b"".join(parts) + b"--%s--\r\n" % boundary.encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_post_over_the_size_limit_gets_the_error_beside_the_text_field(reviewer_client):
    text = "The minister said 12% of schools closed. " * (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 40
    )
    response = reviewer_client.post(reverse("article_create"), {"title": "Huge", "text": text})
    assert response.status_code == 413
    errors = response.context["form"].errors
    assert list(errors) == ["text"]
    assert "larger than 5 MB" in errors["text"][0]
    assert "at most 200,000 characters" in errors["text"][0]
    html = response.content.decode()
    assert 'class="field-error"' in html and "Add article</button>" in html
    assert Article.objects.count() == 0


def test_invalid_utf8_in_the_text_field_is_refused_beside_it(reviewer_client):
    body, content_type = multipart(title=b"Caf\xc3\xa9", text=b"The minister said 12% \xff closed.")
    response = reviewer_client.post(reverse("article_create"), body, content_type=content_type)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["text"]
    assert "not valid UTF-8 (bad byte at position 22)" in errors["text"][0]
    # Form-encoded, the same.
    response = reviewer_client.post(
        reverse("article_create"),
        b"text=The+minister+said+12%25+%FF+closed.",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "not valid UTF-8" in response.context["form"].errors["text"][0]
    assert Article.objects.count() == 0


def test_raw_utf8_form_fields_are_read_as_utf8(reviewer_client):
    body, content_type = multipart(
        title=b"Caf\xc3\xa9 budget", text=b"The minister said \xe2\x82\xac210 billion was frozen."
    )
    response = reviewer_client.post(reverse("article_create"), body, content_type=content_type)
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.title, article.body) == (
        "Café budget",
        "The minister said €210 billion was frozen.",
    )


def test_the_article_form_still_checks_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ReviewerFactory())
    response = client.post(reverse("article_create"), {"text": SAMPLE})
    assert response.status_code == 403
    token = client.get(reverse("article_create")).context["csrf_token"]
    response = client.post(
        reverse("article_create"), {"text": SAMPLE, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Article.objects.count() == 1
