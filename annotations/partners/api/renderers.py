"""The Web Annotation media type, so a client can ask for one with its Accept header."""

from rest_framework.renderers import JSONRenderer


class WebAnnotationRenderer(JSONRenderer):
    """JSON-LD, chosen for ``application/ld+json`` with or without the Web Annotation
    profile (W3C Web Annotation Protocol, section 4). DRF matches a renderer's parameters
    against the Accept header's, so one declared with the profile would never be chosen
    for ``*/*``: the views answer with the profiled type (webannotation.MEDIA_TYPE)
    themselves."""

    media_type = "application/ld+json"
    format = "jsonld"
