"""Writing the ClaimReview documents partners get: frozen on each publication event, and
rebuilt on demand after the site's identity or an article's metadata changed."""

from django.db import transaction
from django.utils import timezone

from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import claimreview_document
from annotations.review.selectors import speaker_labels


def published_document_build(*, published: PublishedVerdict) -> dict:
    """The ClaimReview (or tombstone) of ``published`` as it would be stored now, its
    claimant typed from the article's tagged entities."""
    return claimreview_document(published, claimant_labels=_labels(published))


def _labels(published: PublishedVerdict) -> list[str]:
    """What types a speaker saved without a type (verdicts from before types were chosen)."""
    if published.speaker_type:
        return []
    return speaker_labels(article_id=published.article_id, speaker=published.speaker)


def published_document_store(*, published: PublishedVerdict) -> None:
    """Freeze the ClaimReview (or tombstone) partners will get, after the row is saved
    (the document carries its id)."""
    published.document = published_document_build(published=published)
    published.save(update_fields=["document"])


def claimreviews_refresh(*, chunk_size: int = 500) -> int:
    """Rebuild every stored document that would now come out differently; returns how many
    changed. Each changed one gets a new dateModified, so partners syncing incrementally
    pick the change up."""
    changed = 0
    rows = PublishedVerdict.objects.select_related("article").order_by("id")
    for published in rows.iterator(chunk_size=chunk_size):
        labels = _labels(published)
        if claimreview_document(published, claimant_labels=labels) == published.document:
            continue
        with transaction.atomic():
            published.modified_at = timezone.now()
            # Again, with the new dateModified.
            published.document = claimreview_document(published, claimant_labels=labels)
            published.save(update_fields=["modified_at", "document"])
        changed += 1
    return changed
