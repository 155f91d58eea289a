"""python manage.py sweep_tagging_jobs — re-enqueue stale tagging jobs once (cron, ops)."""

from annotations.management.base import DatabaseCommand
from annotations.tagging.jobs import tagging_jobs_requeue_stale


class Command(DatabaseCommand):
    help = (
        "Re-enqueue tagging jobs queued for longer than TAGGING_STALE_QUEUED_SECONDS or "
        "running for longer than TAGGING_STALE_RUNNING_SECONDS (the same work as the "
        "periodic tagging_jobs_sweep task, for when celery beat is not running)."
    )

    def handle(self, *args, **opts) -> None:
        count = tagging_jobs_requeue_stale()
        self.stdout.write(f"Re-enqueued {count} tagging job(s).")
