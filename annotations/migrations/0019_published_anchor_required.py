import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration, so its own transaction: PostgreSQL refuses to alter a table
    # whose rows the same transaction updated while a deferred foreign key is pending.
    dependencies = [
        ("annotations", "0018_published_anchor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publishedverdict",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="annotations.article",
            ),
        ),
        migrations.AlterField(
            model_name="publishedverdict",
            name="start",
            field=models.PositiveIntegerField(),
        ),
        migrations.AlterField(
            model_name="publishedverdict",
            name="end",
            field=models.PositiveIntegerField(),
        ),
        migrations.AlterField(
            model_name="publishedverdict",
            name="quote",
            field=models.TextField(),
        ),
    ]
