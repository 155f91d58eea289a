from celery import shared_task


@shared_task
def article_tag(article_id: int) -> None:
    pass
