from annotations.core.roles import user_has_desk_role, user_is_editor
from annotations.editorial.selectors import approvals_count


def desk(request) -> dict:
    """What the navigation shows: role links, and "Approvals (N)" for editors (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user_has_desk_role(user):
        return {"has_desk_role": False, "is_editor": False}
    if not user_is_editor(user):
        return {"has_desk_role": True, "is_editor": False}
    return {"has_desk_role": True, "is_editor": True, "approvals_waiting": approvals_count()}
