from django.db import migrations

ROLE_GROUPS = ("Reviewers", "Editors")


def groups_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0002_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Reversing keeps the groups: they may hold members by then.
    operations = [migrations.RunPython(groups_create, migrations.RunPython.noop)]
