"""Pages and posts going live: the dates a status needs, and the beat task's move from
scheduled to published."""

from datetime import datetime

from django.utils import timezone

from config.errors import Refusal
from config.row_cache import rows_changed

from ..models import Page, Post, PublishStatus


class ScheduleInPast(Refusal):
    code = "schedule_in_past"


def publishing_dates(*, status: str, published_at: datetime | None, now=None) -> datetime | None:
    """The `published_at` a row saved with `status` gets: a scheduled row needs a moment
    still to come (one in the past would publish at the next beat, unseen by whoever
    scheduled it), a published row without one went live now."""
    now = now or timezone.now()
    if status == PublishStatus.SCHEDULED and (published_at is None or published_at <= now):
        raise ScheduleInPast(
            detail="A scheduled page or post needs a publication time in the future.",
            field="published_at",
        )
    if status == PublishStatus.PUBLISHED and published_at is None:
        return now
    return published_at


def publish_scheduled(*, now=None) -> int:
    """Publish every scheduled page and post whose time has come; the number published.

    One conditional UPDATE per model: two beat runs racing both match a row, but the
    second's UPDATE re-checks `status = scheduled` after the first commits and skips it,
    so each row is published (and counted) once."""
    now = now or timezone.now()
    published = 0
    for model in (Page, Post):
        count = model.objects.filter(status=PublishStatus.SCHEDULED, published_at__lte=now).update(
            status=PublishStatus.PUBLISHED, updated_at=now
        )
        if count:
            rows_changed(model)  # an UPDATE sends no signal: the footer's links follow
        published += count
    return published
