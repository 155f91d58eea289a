"""Writing the ClaimReview documents partners get: frozen on each publication event, and
rebuilt on demand after the site's identity or an article's metadata changed."""

from django.db import transaction
from django.utils import timezone

from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import claimreview_document


def published_document_store(*, published: PublishedVerdict) -> None:
    """Freeze the ClaimReview (or tombstone) partners will get, after the row is saved
    (the document carries its id)."""
    published.document = claimreview_document(published)
    published.save(update_fields=["document"])


def claimreviews_refresh(*, chunk_size: int = 500) -> int:
    """Rebuild every stored document that would now come out differently; returns how many
    changed. Each changed one gets a new dateModified, so partners syncing incrementally
    pick the change up."""
    changed = 0
    rows = PublishedVerdict.objects.select_related("statement__article").order_by("id")
    for published in rows.iterator(chunk_size=chunk_size):
        if claimreview_document(published) == published.document:
            continue
        with transaction.atomic():
            published.modified_at = timezone.now()
            published.document = claimreview_document(published)  # with the new dateModified
            published.save(update_fields=["modified_at", "document"])
        changed += 1
    return changed
