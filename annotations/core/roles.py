"""Roles are Django groups named exactly "Reviewers" and "Editors" (created by migration
0003); a user may be in both. Superusers count as both.

The project keeps Django's own user model (no AUTH_USER_MODEL): services take a
``django.contrib.auth.models.User``; the role checks here also take the AnonymousUser an
unauthenticated request carries, and the principal a partner's API token gives a request
(neither has a role)."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.views import View

REVIEWERS = "Reviewers"
EDITORS = "Editors"

# Where roles are cached on a user object, as Django caches permissions (_perm_cache).
_ROLES_CACHE = "_desk_roles"


class AuthenticatedRequest(HttpRequest):
    """The request of every view not marked ``login_not_required``: LoginRequiredMiddleware
    (settings.MIDDLEWARE) has sent anyone anonymous to the login page before the view runs,
    so ``user`` is a User. Views annotate their ``request`` with it to pass ``request.user``
    to services."""

    user: User


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """The user's desk roles, read once per user object (one query, then cached on it)."""
    # Only desk users have roles: a partner's API token authenticates a request with a
    # principal of its own (annotations.partners.api.authentication), which has none.
    if not user.is_authenticated or not isinstance(user, User):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset({REVIEWERS, EDITORS})
        else:
            names = user.groups.filter(name__in=(REVIEWERS, EDITORS)).values_list("name", flat=True)
            cached = frozenset(names)
        setattr(user, _ROLES_CACHE, cached)
    return cached


def user_is_reviewer(user: User | AnonymousUser) -> bool:
    return REVIEWERS in user_roles(user)


def user_is_editor(user: User | AnonymousUser) -> bool:
    return EDITORS in user_roles(user)


def user_has_desk_role(user: User | AnonymousUser) -> bool:
    """Reviewers and editors see articles; a user in neither group sees none."""
    return bool(user_roles(user))


class DeskRoleRequiredMixin(View):
    """For views: members of Reviewers or Editors only; anyone else gets a 403 page.

    (Anonymous users never get here: LoginRequiredMiddleware sends them to log in.)
    """

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not user_has_desk_role(request.user):
            raise PermissionDenied(
                "Your account is not in Reviewers or Editors. Ask an administrator to add you."
            )
        return super().dispatch(request, *args, **kwargs)


class EditorRequiredMixin(View):
    """For views: members of Editors only."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not user_is_editor(request.user):
            raise PermissionDenied("Only members of Editors can open this page.")
        return super().dispatch(request, *args, **kwargs)
