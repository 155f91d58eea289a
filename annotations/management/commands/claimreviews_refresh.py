"""python manage.py claimreviews_refresh — rebuild the stored ClaimReview documents.

Run it after changing SITE_URL, FACTCHECK_ORG_NAME or FACTCHECK_ORG_URL, or after
correcting an article's metadata: every document that changes gets a new dateModified,
so partners syncing incrementally pick the change up.
"""

from django.db import transaction
from django.utils import timezone

from annotations.management.base import DatabaseCommand
from annotations.models import PublishedVerdict
from annotations.publishing.claimreview import claimreview_document


class Command(DatabaseCommand):
    help = __doc__.strip().splitlines()[0]

    def handle(self, *args, **opts) -> None:
        changed = 0
        rows = PublishedVerdict.objects.select_related("statement__article").order_by("id")
        for published in rows.iterator(chunk_size=500):
            document = claimreview_document(published)
            if document == published.document:
                continue
            with transaction.atomic():
                published.modified_at = timezone.now()
                published.document = claimreview_document(published)  # new dateModified
                published.save(update_fields=["modified_at", "document"])
            changed += 1
        self.stdout.write(f"Rebuilt {changed} ClaimReview document(s).")
