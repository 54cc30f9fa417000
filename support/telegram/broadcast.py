"""Staff announcements to every opted-in linked chat, at most
TELEGRAM_BROADCAST_PER_SECOND messages a second.

Broadcasting writes one AnnouncementDelivery per chat (unique per announcement and chat,
so a double click or a restart adds nobody twice) and queues the `broadcast` task. The
task sends queued deliveries one at a time, each under a row lock (a second task running
for the same announcement skips the rows the first holds), spaced evenly; a 429 makes it
wait the `retry_after` Telegram asked for and send the same message again. It works for a
bounded time, then queues itself again, so no run meets the Celery time limit.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import TelegramLink, User
from accounts.services import audit_log
from accounts.services.telegram import TelegramDisabled, telegram_enabled, telegram_unlink
from config.errors import Conflict

from ..models import Announcement, AnnouncementDelivery
from .client import send_message
from .errors import TelegramChatGone, TelegramError, TelegramRetryAfter

logger = logging.getLogger(__name__)

Delivery = AnnouncementDelivery.Status
CHUNK = 200
# A run stops starting messages after this share of the soft time limit, leaving room
# for one last 429 wait and the bookkeeping.
BUDGET_SHARE = 0.5


class AlreadySent(Conflict):
    code = "already_sent"


def announcement_broadcast(*, announcement: Announcement, actor, request=None) -> int:
    """Queue `announcement` for every opted-in linked chat; how many deliveries were
    added (0 when a restart found them all there already)."""
    if not telegram_enabled():
        raise TelegramDisabled(detail="Telegram is not set up on this site.")
    if announcement.status == Announcement.Status.SENT:
        raise AlreadySent(detail=f"“{announcement}” was broadcast already.")
    with transaction.atomic():
        Announcement.objects.filter(pk=announcement.pk, status=Announcement.Status.DRAFT).update(
            status=Announcement.Status.SENDING, started_at=timezone.now()
        )
        # Only accounts that may log in: a closed or suspended one hears nothing from us.
        chats = TelegramLink.objects.filter(
            announcements=True,
            user__status__in=User.LOGIN_STATUSES,
            user__deleted_at__isnull=True,
        ).values_list("chat_id", flat=True)
        before = announcement.deliveries.count()
        AnnouncementDelivery.objects.bulk_create(
            [AnnouncementDelivery(announcement=announcement, chat_id=chat) for chat in chats],
            ignore_conflicts=True,
            batch_size=1000,
        )
        added = announcement.deliveries.count() - before
        audit_log(
            actor=actor,
            action="announcement.broadcast",
            entity=announcement,
            metadata={"added": added},
            request=request,
        )
        transaction.on_commit(lambda: _queue(announcement.pk))
    return added


def _queue(announcement_id: int) -> None:
    from .tasks import broadcast

    broadcast.delay(announcement_id)


@dataclass
class BroadcastRun:
    sent: int = 0
    failed: int = 0
    finished: bool = False
    requeued: bool = False


class _Spacing:
    """Evenly spaced sends: each message no sooner than 1/rate after the previous one."""

    def __init__(self, rate: int, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.interval = 1.0 / max(1, rate)
        self.clock, self.sleep = clock, sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def broadcast_run(
    announcement_id: int,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    budget_seconds: float | None = None,
    requeue: Callable[[int], None] | None = None,
) -> BroadcastRun:
    """Send the announcement's queued deliveries until none is left (the announcement is
    then sent) or the time budget is spent (the task is queued again)."""
    run = BroadcastRun()
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None or announcement.status == Announcement.Status.SENT:
        run.finished = True
        return run
    if budget_seconds is None:
        budget_seconds = settings.CELERY_TASK_SOFT_TIME_LIMIT * BUDGET_SHARE
    deadline = clock() + budget_seconds
    spacing = _Spacing(settings.TELEGRAM_BROADCAST_PER_SECOND, clock, sleep)
    queued = AnnouncementDelivery.objects.filter(
        announcement_id=announcement_id, status=Delivery.QUEUED
    )
    while clock() < deadline:
        ids = list(queued.order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            break
        for delivery_id in ids:
            if clock() >= deadline:
                break
            outcome = _send_one(delivery_id, announcement.text, spacing, sleep, clock, deadline)
            run.sent += outcome == Delivery.SENT
            run.failed += outcome == Delivery.FAILED
    if queued.exists():
        (requeue or _queue)(announcement_id)
        run.requeued = True
        return run
    Announcement.objects.filter(pk=announcement_id).exclude(status=Announcement.Status.SENT).update(
        status=Announcement.Status.SENT, finished_at=timezone.now()
    )
    run.finished = True
    return run


def _send_one(delivery_id, text, spacing, sleep, clock, deadline) -> str | None:
    """Send one delivery under its row lock; its new status, or None when another run
    holds it, it is no longer queued, or the budget ran out while Telegram made us wait."""
    with transaction.atomic():
        delivery = (
            AnnouncementDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=Delivery.QUEUED)
            .first()
        )
        if delivery is None:
            return None
        while True:
            spacing.wait()
            delivery.attempts += 1
            try:
                send_message(delivery.chat_id, text)
            except TelegramRetryAfter as exc:
                # Telegram says how long: wait exactly that, then the same message again.
                sleep(exc.retry_after)
                if clock() >= deadline:
                    delivery.save(update_fields=["attempts"])
                    return None
                continue
            except TelegramChatGone as exc:
                telegram_unlink(chat_id=delivery.chat_id, reason="blocked")
                return _finish(delivery, Delivery.FAILED, str(exc))
            except TelegramError as exc:
                return _finish(delivery, Delivery.FAILED, str(exc))
            return _finish(delivery, Delivery.SENT, "")


def _finish(delivery: AnnouncementDelivery, status: str, error: str) -> str:
    delivery.status = status
    delivery.last_error = error[:300]
    delivery.sent_at = timezone.now() if status == Delivery.SENT else None
    delivery.save(update_fields=["status", "last_error", "sent_at", "attempts"])
    return status
