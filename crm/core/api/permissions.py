from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsActiveStaff(BasePermission):
    """Every endpoint needs an active staff user."""

    message = "Staff access required"

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active_staff)


class HasWritePermission(BasePermission):
    """Writes need the Django model permission the view names in ``write_permission``
    (``leads.add_reason`` ...); reads need only staff."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        permission = getattr(view, "write_permission", None)
        return permission is None or request.user.has_perm(permission)
