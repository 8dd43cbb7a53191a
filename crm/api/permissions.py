from rest_framework.permissions import BasePermission


class IsActiveStaff(BasePermission):
    """Every endpoint needs an active staff user."""

    message = "Staff access required"

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
