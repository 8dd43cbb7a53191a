"""What the staff pages keep for a person: their saved views of the lead list."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A named lead-list search of one staff user: the list's query string (filters and
    sort), as the address bar shows it. Opening it is opening that address, so a view's link
    works for anyone who may see those leads."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedview_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
