"""Roles are Django groups named exactly "Reviewers" and "Editors" (created by migration
0003); a user may be in both. Superusers count as both."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

REVIEWERS = "Reviewers"
EDITORS = "Editors"


def user_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The user's desk roles, read once per user object (one query, then cached on it)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_desk_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset({REVIEWERS, EDITORS})
        else:
            names = user.groups.filter(name__in=(REVIEWERS, EDITORS)).values_list("name", flat=True)
            cached = frozenset(names)
        user._desk_roles = cached
    return cached


def user_is_reviewer(user) -> bool:
    return REVIEWERS in user_roles(user)


def user_is_editor(user) -> bool:
    return EDITORS in user_roles(user)


def user_has_desk_role(user) -> bool:
    """Reviewers and editors see articles; a user in neither group sees none."""
    return bool(user_roles(user))


class DeskRoleRequiredMixin:
    """For views: members of Reviewers or Editors only; anyone else gets a 403 page.

    (Anonymous users never get here: LoginRequiredMiddleware sends them to log in.)
    """

    def dispatch(self, request, *args, **kwargs):
        if not user_has_desk_role(request.user):
            raise PermissionDenied(
                "Your account is not in Reviewers or Editors. Ask an administrator to add you."
            )
        return super().dispatch(request, *args, **kwargs)


class EditorRequiredMixin:
    """For views: members of Editors only."""

    def dispatch(self, request, *args, **kwargs):
        if not user_is_editor(request.user):
            raise PermissionDenied("Only members of Editors can open this page.")
        return super().dispatch(request, *args, **kwargs)
