import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def anchors_from_statements(apps, schema_editor):
    """Existing published verdicts: the place and words of their statement now (the
    approved ones, unless a revision has reworded it since)."""
    PublishedVerdict = apps.get_model("annotations", "PublishedVerdict")
    Statement = apps.get_model("annotations", "Statement")
    statement = Statement.objects.filter(pk=OuterRef("statement_id"))
    PublishedVerdict.objects.update(
        article_id=Subquery(statement.values("article_id")[:1]),
        start=Subquery(statement.values("start")[:1]),
        end=Subquery(statement.values("end")[:1]),
        quote=Subquery(statement.values("text")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0017_entity_alias_key_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedverdict",
            name="article",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="annotations.article",
            ),
        ),
        migrations.AddField(
            model_name="publishedverdict",
            name="start",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="publishedverdict",
            name="end",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="publishedverdict",
            name="quote",
            field=models.TextField(null=True),
        ),
        migrations.RunPython(anchors_from_statements, migrations.RunPython.noop),
    ]
