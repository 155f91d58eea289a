from django.apps import AppConfig
from django.db.models.signals import post_migrate


def role_groups_ensure(sender, **kwargs) -> None:
    """Create the Reviewers and Editors groups after every migrate (migration 0003 made
    them once; test databases flushed between transactional tests need them again)."""
    from django.contrib.auth.models import Group

    from annotations.core.roles import EDITORS, REVIEWERS

    for name in (REVIEWERS, EDITORS):
        Group.objects.get_or_create(name=name)


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Fact-check annotations"

    def ready(self) -> None:
        post_migrate.connect(role_groups_ensure, sender=self)
        # Registers the Celery tasks in every Django process (web, CLI, worker): services
        # publish them by name (annotations.core.jobs), so they must be known before the
        # first publish, not only once a worker has autodiscovered them.
        from annotations import tasks  # noqa: F401
        from annotations.partners.api import schema  # noqa: F401  (the OpenAPI extension)
