"""python manage.py claimreviews_refresh — rebuild the stored ClaimReview documents.

Run it after changing SITE_URL, FACTCHECK_ORG_NAME or FACTCHECK_ORG_URL, or after
correcting an article's metadata: every document that changes gets a new dateModified,
so partners syncing incrementally pick the change up.
"""

from annotations.management.base import DatabaseCommand
from annotations.publishing.services import claimreviews_refresh


class Command(DatabaseCommand):
    help = __doc__.strip().splitlines()[0]

    def handle(self, *args, **opts) -> None:
        changed = claimreviews_refresh()
        self.stdout.write(f"Rebuilt {changed} ClaimReview document(s).")
