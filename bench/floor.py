"""The floor the partner API list is measured against (`make bench` only, never served by
the site): a bare Django view that returns the same page of stored ClaimReview documents
as one JSON array, in one SQL query, with no framework around it (no authentication, no
throttle, no pagination links). The site's own URLs are included unchanged."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from annotations.models import PublishedVerdict

_TABLE = PublishedVerdict._meta.db_table


@login_not_required
def claimreviews_floor(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT document_json FROM {_TABLE} ORDER BY modified_at, id LIMIT 100")
        body = "[" + ",".join(row[0] for row in cursor.fetchall()) + "]"
    return HttpResponse(body.encode(), content_type="application/json")


urlpatterns = [
    path("bench/floor/", claimreviews_floor),
    path("", include("factcheck.urls")),
]
