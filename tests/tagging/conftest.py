"""Shared by the tagging tests: the sample article, the model's mentions of an article."""

from pathlib import Path

from django.conf import settings

from annotations.models import Article, EntityMention

SAMPLE = (Path(settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text("utf-8")


def model_mentions(article: Article) -> list[EntityMention]:
    return list(
        article.mentions.filter(source=EntityMention.Source.MODEL)
        .select_related("entity")
        .order_by("start")
    )
