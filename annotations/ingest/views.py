"""Adding an article from the web form or an upload: parse, call the ingest service."""

from urllib.parse import parse_qsl

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from annotations.core.errors import DomainError
from annotations.core.roles import AuthenticatedRequest, DeskRoleRequiredMixin
from annotations.ingest.forms import ArticleForm, request_too_large_message
from annotations.ingest.pages import page_fetch, page_uploaded
from annotations.ingest.revisions import RevisionCarry
from annotations.ingest.services import ArticleInputError, article_ingest, article_page_ingest
from annotations.models import ArchivedSource, Article


def post_data_decode(request: HttpRequest) -> tuple[QueryDict, dict[str, int]]:
    """The form fields of a POST decoded strictly as UTF-8, and the fields that were not
    UTF-8 with the position of their first bad byte.

    Django decodes form data with errors="replace", turning invalid bytes into U+FFFD
    without a word, where upload, CLI and API refuse them. So each field's bytes are
    decoded here: multipart fields read as Latin-1 (one character a byte, nothing lost),
    URL-encoded ones from the body. Raises RequestDataTooBig past
    DATA_UPLOAD_MAX_MEMORY_SIZE, like request.POST.
    """
    pairs: list[tuple[bytes, bytes]] = []
    if request.content_type == "multipart/form-data":
        request.encoding = "latin-1"
        for key, values in request.POST.lists():
            pairs += [(key.encode("latin-1"), value.encode("latin-1")) for value in values]
    elif request.content_type == "application/x-www-form-urlencoded":
        request.POST  # noqa: B018 -- Django's limits on size and number of fields first
        body = request.body.decode("latin-1")
        for key, value in parse_qsl(body, keep_blank_values=True, encoding="latin-1"):
            pairs.append((key.encode("latin-1"), value.encode("latin-1")))
    data = QueryDict(mutable=True)
    undecodable: dict[str, int] = {}
    for raw_name, raw in pairs:
        name = raw_name.decode("utf-8", "replace")
        try:
            data.appendlist(name, raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            undecodable.setdefault(name, exc.start)
            data.appendlist(name, raw.decode("utf-8", "replace"))
    return data, undecodable


# The body is read in post(), before the CSRF check rather than by the CSRF middleware, so
# that one too large for Django is an error on the form, not a bare "Bad Request (400)";
# nothing is done with a refused body, and everything else is checked by csrf_protect.
@method_decorator(csrf_exempt, name="dispatch")
class ArticleCreateView(DeskRoleRequiredMixin, View):
    """Add an article, or (``pk``: articles/<pk>/revise/) a new revision of one."""

    template_name = "annotations/article_form.html"

    def get(self, request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
        context = {"form": ArticleForm(), "revising": _revising(pk)}
        return render(request, self.template_name, context)

    def post(self, request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
        revising = _revising(pk)
        try:
            fields, undecodable = post_data_decode(request)
        except RequestDataTooBig:
            form = ArticleForm.refused(field="text", message=request_too_large_message())
            context = {"form": form, "revising": revising}
            return render(request, self.template_name, context, status=413)
        create = csrf_protect(self._create)
        return create(request, fields=fields, undecodable=undecodable, revising=revising)

    def _create(
        self,
        request: AuthenticatedRequest,
        *,
        fields: QueryDict,
        undecodable: dict[str, int],
        revising: Article | None,
    ) -> HttpResponse:
        form = ArticleForm(fields, request.FILES, undecodable=undecodable)

        def refused() -> HttpResponse:
            context = {"form": form, "revising": revising}
            return render(request, self.template_name, context, status=400)

        if not form.is_valid():
            return refused()
        data = form.cleaned_data
        given = {
            "title": data["title"],
            "publisher": data["publisher"],
            "published_on": data["published_on"],
            "created_by": request.user,
            "revision_of": revising,
        }
        try:
            if data["url"]:
                page = page_fetch(url=data["url"])
                result = article_page_ingest(page=page, channel=Article.Channel.WEB, **given)
            elif data["html"] is not None:
                page = page_uploaded(content=data["html"], source_url=data["source_url"])
                channel = Article.Channel.UPLOAD
                result = article_page_ingest(page=page, channel=channel, field="html", **given)
            else:
                channel = Article.Channel.UPLOAD if data["upload"] else Article.Channel.WEB
                result = article_ingest(
                    text=data["body"], source_url=data["source_url"], channel=channel, **given
                )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return refused()
        except ArticleInputError as exc:
            source = "url" if data["url"] else "html" if data["html"] is not None else "text"
            form.add_error(source, str(exc))
            return refused()
        if result.revised is not None:
            messages.success(request, revision_message(result.revised))
        elif result.created:
            messages.success(request, "Article added. Entity tagging has been queued.")
        else:
            messages.info(request, "This text was already here: showing the existing article.")
        return redirect("article_detail", pk=result.article.pk)


def _revising(pk: int | None) -> Article | None:
    return None if pk is None else get_object_or_404(Article.objects.defer("body"), pk=pk)


def revision_message(carry: RevisionCarry) -> str:
    """What the desk is told when a text becomes an article's next revision."""
    parts = [f"{carry.carried} statement{pluralize(carry.carried)} carried unchanged"]
    if carry.changed:
        parts.append(
            f"{carry.changed} reworded (flagged; a published verdict on one goes back to an editor)"
        )
    if carry.orphaned:
        parts.append(f"{carry.orphaned} not found (kept on revision {carry.revision - 1})")
    return f"Revision {carry.revision} added: {', '.join(parts)}. Entity tagging has been queued."


class ArchivedSourceView(DeskRoleRequiredMixin, View):
    """The page an article was extracted from, as text: it is someone else's HTML, with
    its scripts, and must never run as one of the site's pages."""

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        archived = get_object_or_404(ArchivedSource, article_id=pk)
        response = HttpResponse(
            bytes(archived.content),
            content_type=archived_content_type(content_type=archived.content_type),
        )
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["X-Content-Type-Options"] = "nosniff"
        disposition = "attachment" if request.GET.get("download") else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="article-{pk}-source.html"'
        return response


def archived_content_type(*, content_type: str) -> str:
    """text/plain, with the page's own charset if it said one (its bytes are unchanged)."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"')
        if name.strip().lower() == "charset" and charset.replace("-", "").isalnum():
            return f"text/plain; charset={charset}"
    return "text/plain"
