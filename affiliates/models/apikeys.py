from django.conf import settings
from django.db import models

# A key acts in the API, where the owner's extra powers (team, plan) do not exist.
KEY_ROLES = [("admin", "Admin"), ("member", "Member"), ("viewer", "Viewer")]


class ApiKey(models.Model):
    """A partner's key for the API. Only a digest is stored; the key is shown once."""

    partner = models.ForeignKey(
        "affiliates.Partner", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    # What the key may do (affiliates.permissions): never more than its creator may do now,
    # so a key stops working for a creator who left the team and shrinks with a demotion.
    # Keys from before teams were made by the account holder: admin, all the API offers.
    role = models.CharField(max_length=16, choices=KEY_ROLES, default="admin")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
