"""The public page of a published verdict: what a ClaimReview's ``url`` points at, open to
anyone (no log-in)."""

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views import View

from annotations.publishing.claimreview import claimreview_jsonld, claimreview_or_tombstone
from annotations.publishing.selectors import published_public_get

# As django.utils.html.json_script: no "<", ">" or "&" can end the element or open a
# comment inside it, whatever the claim's or the sources' text.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data: dict[str, Any]) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` element. A data block, not a
    script: browsers never run it, so the CSP's script-src 'self' does not apply to it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # escaped above
    )


@method_decorator(login_not_required, name="dispatch")
class PublicVerdictView(View):
    """The public page of a published verdict: the ClaimReview ``url`` partners link to,
    carrying the same ClaimReview as JSON-LD for search engines (none once withdrawn)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        published = published_public_get(published_id=pk)
        if published is None:
            raise Http404("No such verdict.")
        jsonld = claimreview_jsonld(claimreview_or_tombstone(published))
        context = {"published": published, "jsonld": jsonld_script(jsonld) if jsonld else ""}
        return render(request, "annotations/verdict_public.html", context)
