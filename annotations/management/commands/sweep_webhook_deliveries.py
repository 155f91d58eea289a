"""python manage.py sweep_webhook_deliveries — re-enqueue lost webhook deliveries (cron)."""

from annotations.management.base import DatabaseCommand
from annotations.partners.webhooks.deliveries import webhook_deliveries_requeue_stale


class Command(DatabaseCommand):
    help = (
        "Re-publish pending webhook deliveries more than STALE_SECONDS past due (their "
        "message was lost to a broker outage or a dead worker): the same work as the "
        "periodic webhook_deliveries_sweep task, for when celery beat is not running."
    )

    def handle(self, *args, **opts) -> None:
        count = webhook_deliveries_requeue_stale()
        self.stdout.write(f"Re-enqueued {count} webhook delivery(ies).")
