"""The one staff rule, for every committee and e-service staff page and service.

A staff action needs an active account flagged as staff that holds the action's permission.
A permission given to a non-staff account by mistake opens nothing; a staff account without
the permission (another office, another school's clerk) is refused. Anonymous visitors are
sent to the log-in page; everyone else who fails the rule gets 403 (docs/adr/0018)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def is_staff_with(user, permission: str) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(permission)
    )


def staff_permission_required(permission: str):
    """View decorator applying the staff rule for `permission`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_with(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_staff_of(user, permission: str, group) -> bool:
    """The staff rule narrowed to the members of `group` (an object's own staff, e.g. the
    committee of one admission round). System administrators (superusers) pass; without a group
    nobody else does, so an object whose staff was never named stays closed."""
    if not is_staff_with(user, permission):
        return False
    if user.is_superuser:
        return True
    return group is not None and user.groups.filter(pk=group.pk).exists()
