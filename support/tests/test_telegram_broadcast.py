"""Announcements: one delivery per opted-in linked chat, sent at most
TELEGRAM_BROADCAST_PER_SECOND a second (a virtual clock, so no real waiting), 429 waits
exactly retry_after, 403 unlinks, and a killed run resumed sends each chat once."""

import pytest

from accounts.models import TelegramLink
from accounts.tests.factories import StaffFactory, UserFactory
from config.errors import Refusal
from support.models import Announcement, AnnouncementDelivery
from support.telegram.broadcast import announcement_broadcast, broadcast_run

from .telegram_fake import BAD, BLOCKED, bot_on, fake_bot_api, too_many

pytestmark = pytest.mark.django_db


class VirtualClock:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Killed(Exception):
    """The worker dies."""


def _chats(count: int, start: int = 1000, **kwargs) -> list[int]:
    for chat_id in range(start, start + count):
        TelegramLink.objects.create(user=UserFactory(), chat_id=chat_id, **kwargs)
    return list(range(start, start + count))


def _announcement(text="A new challenge is open!") -> Announcement:
    return Announcement.objects.create(text=text, created_by=StaffFactory())


@pytest.fixture
def fake(settings):
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        fake.clock = None
        yield fake


def test_broadcast_queues_one_delivery_per_opted_in_linked_chat(fake):
    chats = _chats(3)
    _chats(2, start=2000, announcements=False)
    inactive = UserFactory(status="suspended")
    TelegramLink.objects.create(user=inactive, chat_id=3000)
    announcement = _announcement()

    added = announcement_broadcast(announcement=announcement, actor=announcement.created_by)
    again = announcement_broadcast(announcement=announcement, actor=announcement.created_by)

    assert (added, again) == (3, 0)
    assert sorted(announcement.deliveries.values_list("chat_id", flat=True)) == chats
    announcement.refresh_from_db()
    assert announcement.status == "sending" and announcement.started_at is not None
    assert fake.calls == []  # sending is the task's


def test_a_sent_announcement_is_not_broadcast_again(fake):
    _chats(1)
    announcement = _announcement()
    announcement.status = Announcement.Status.SENT
    announcement.save()

    with pytest.raises(Refusal) as raised:
        announcement_broadcast(announcement=announcement, actor=announcement.created_by)

    assert raised.value.code == "already_sent"
    assert AnnouncementDelivery.objects.count() == 0


def test_with_the_bot_off_nothing_is_queued(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    _chats(2)
    announcement = _announcement()

    with pytest.raises(Refusal) as raised:
        announcement_broadcast(announcement=announcement, actor=announcement.created_by)

    assert raised.value.code == "telegram_disabled"
    assert AnnouncementDelivery.objects.count() == 0
    announcement.refresh_from_db()
    assert announcement.status == "draft"


def test_sixty_messages_at_25_a_second_take_at_least_2_36_seconds(fake, settings):
    settings.TELEGRAM_BROADCAST_PER_SECOND = 25
    chats = _chats(60)
    announcement = _announcement()
    announcement_broadcast(announcement=announcement, actor=announcement.created_by)
    clock = VirtualClock()
    fake.clock = clock

    run = broadcast_run(announcement.pk, clock=clock, sleep=clock.sleep, budget_seconds=60)

    assert (run.sent, run.failed, run.finished, run.requeued) == (60, 0, True, False)
    times = [call["at"] for call in fake.calls]
    assert times[-1] - times[0] >= 2.36 - 1e-9
    # No second holds more than 25 sends, wherever it starts.
    assert max(sum(1 for t in times if start <= t < start + 1) for start in times) == 25
    assert sorted(body["chat_id"] for body in fake.sent()) == chats
    assert {body["text"] for body in fake.sent()} == {"A new challenge is open!"}
    announcement.refresh_from_db()
    assert announcement.status == "sent" and announcement.finished_at is not None
    assert announcement.deliveries.filter(status="sent").count() == 60


def test_a_429_waits_exactly_retry_after_and_sends_the_same_message_again(fake):
    chats = _chats(3)
    announcement = _announcement()
    announcement_broadcast(announcement=announcement, actor=announcement.created_by)
    fake.script[:] = [too_many(5)]  # the first message is refused once
    clock = VirtualClock()

    run = broadcast_run(announcement.pk, clock=clock, sleep=clock.sleep, budget_seconds=60)

    assert clock.slept.count(5) == 1
    assert [call["json"]["chat_id"] for call in fake.calls] == [chats[0], *chats]
    assert [call["status"] for call in fake.calls] == [429, 200, 200, 200]
    assert run.sent == 3
    first = announcement.deliveries.get(chat_id=chats[0])
    assert (first.status, first.attempts) == ("sent", 2)


def test_a_403_unlinks_that_chat_and_fails_its_delivery_others_go_on(fake):
    chats = _chats(3)
    announcement = _announcement()
    announcement_broadcast(announcement=announcement, actor=announcement.created_by)
    fake.script[:] = [(200, {"ok": True, "result": {}}), BLOCKED, BAD]
    clock = VirtualClock()

    run = broadcast_run(announcement.pk, clock=clock, sleep=clock.sleep, budget_seconds=60)

    assert (run.sent, run.failed, run.finished) == (1, 2, True)
    statuses = dict(announcement.deliveries.values_list("chat_id", "status"))
    assert statuses == {chats[0]: "sent", chats[1]: "failed", chats[2]: "failed"}
    blocked = announcement.deliveries.get(chat_id=chats[1])
    assert "blocked" in blocked.last_error
    assert "too long" in announcement.deliveries.get(chat_id=chats[2]).last_error
    assert sorted(TelegramLink.objects.values_list("chat_id", flat=True)) == [chats[0], chats[2]]


def test_a_run_killed_midway_and_rerun_sends_each_chat_once(fake):
    chats = _chats(10)
    announcement = _announcement()
    announcement_broadcast(announcement=announcement, actor=announcement.created_by)
    clock = VirtualClock()

    def dying_sleep(seconds):
        if len(fake.calls) >= 4:
            raise Killed
        clock.sleep(seconds)

    with pytest.raises(Killed):
        broadcast_run(announcement.pk, clock=clock, sleep=dying_sleep, budget_seconds=60)
    assert len(fake.sent()) == 4
    assert announcement.deliveries.filter(status="sent").count() == 4

    run = broadcast_run(announcement.pk, clock=clock, sleep=clock.sleep, budget_seconds=60)

    assert run.sent == 6
    assert sorted(body["chat_id"] for body in fake.sent()) == chats
    assert announcement.deliveries.filter(status="sent").count() == 10
    # A third run (a redelivered task) finds it sent and sends nothing.
    assert broadcast_run(announcement.pk, clock=clock, sleep=clock.sleep).finished
    assert len(fake.sent()) == 10


def test_a_run_out_of_time_queues_itself_again_and_the_next_one_finishes(fake):
    _chats(10)
    announcement = _announcement()
    announcement_broadcast(announcement=announcement, actor=announcement.created_by)
    clock = VirtualClock()
    requeued = []

    first = broadcast_run(
        announcement.pk,
        clock=clock,
        sleep=clock.sleep,
        budget_seconds=0.1,
        requeue=requeued.append,
    )

    assert (first.finished, first.requeued, requeued) == (False, True, [announcement.pk])
    assert 0 < first.sent < 10
    announcement.refresh_from_db()
    assert announcement.status == "sending"

    second = broadcast_run(announcement.pk, clock=clock, sleep=clock.sleep, budget_seconds=60)

    assert second.finished and first.sent + second.sent == 10
    assert len(fake.sent()) == 10
