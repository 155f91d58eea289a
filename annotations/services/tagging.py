"""Entity tagging jobs (placeholder: being written)."""


def tagging_job_enqueue(*, article_id: int) -> None:
    from annotations.tasks import article_tag

    article_tag.delay(article_id)
