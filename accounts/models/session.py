from django.conf import settings
from django.db import models
from django.utils import timezone


class UserSession(models.Model):
    """One logged-in browser: what the user sees under "active sessions".

    The session itself lives in Django's database-backed session store, which stays the
    truth about whether it is alive (see selectors.live_sessions); this row adds where it
    came from and is what "log out" revokes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    device = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} on {self.device or 'unknown device'}"
