from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .staff import actor_field


class StatusChange(models.Model):
    """One status move of any record (a withdrawal, a cashback event, a partner…): from
    what, to what, who moved it and why. Append-only: written by `transition()` only, so
    every object with a status can show how it got there."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=40, default="status")
    from_status = models.CharField(max_length=40)
    to_status = models.CharField(max_length=40)
    actor = actor_field()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self):
        return f"{self.field}: {self.from_status} → {self.to_status}"
