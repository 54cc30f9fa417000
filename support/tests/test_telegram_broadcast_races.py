"""Two broadcast runs of one announcement at once (a double-queued task) on PostgreSQL:
the row locks let each chat get the message once."""

import pytest

from accounts.models import TelegramLink
from accounts.tests.factories import StaffFactory, UserFactory
from config.testing import race
from support.models import Announcement, AnnouncementDelivery
from support.telegram.broadcast import BroadcastRun, broadcast_run

from .telegram_fake import bot_on, fake_bot_api

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_runs_send_each_chat_once(settings):
    settings.TELEGRAM_BROADCAST_PER_SECOND = 1000
    chats = list(range(7000, 7030))
    for chat_id in chats:
        TelegramLink.objects.create(user=UserFactory(), chat_id=chat_id)
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        announcement = Announcement.objects.create(text="Sale!", created_by=StaffFactory())
        # The deliveries as the Broadcast action writes them, without its queued task
        # (which the eager test worker would run inline).
        AnnouncementDelivery.objects.bulk_create(
            [AnnouncementDelivery(announcement=announcement, chat_id=c) for c in chats]
        )
        Announcement.objects.filter(pk=announcement.pk).update(status="sending")

        results = race(
            2, lambda i: broadcast_run(announcement.pk, budget_seconds=60, requeue=lambda _: None)
        )

    runs = [r for r in results if isinstance(r, BroadcastRun)]
    assert len(runs) == 2, results
    assert sum(run.sent for run in runs) == 30
    assert sorted(body["chat_id"] for body in fake.sent()) == chats
    assert AnnouncementDelivery.objects.filter(status="sent").count() == 30
    announcement.refresh_from_db()
    assert announcement.status == "sent"
