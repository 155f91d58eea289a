"""Content negotiation whose 404 for a format says which formats the endpoint serves."""

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation


class StrictContentNegotiation(DefaultContentNegotiation):
    """DRF answers an unknown ``?format=`` with a bare "Not found.", and reads an empty one
    as no format at all. The schema's ``format`` enum lists only the formats a view serves,
    and the empty string is not one of them, so both are a 404 naming the formats served."""

    def select_renderer(self, request, renderers, format_suffix=None):
        asked = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format_suffix is None and asked == "":
            self.filter_renderers(renderers, "")  # raises: no renderer's format is ""
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        served = [renderer for renderer in renderers if renderer.format == format]
        if not served:
            names = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise Http404(f"No format {format!r} here; this endpoint serves: {names}.")
        return served
