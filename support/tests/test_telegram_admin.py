"""Telegram in the admin, as staff use it: announcements broadcast by a Content editor
(and refused to roles without `broadcast_announcement`), chats unlinked by a Support
agent, updates read-only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog, TelegramLink
from accounts.tests.factories import StaffFactory, UserFactory
from support.models import Announcement, AnnouncementDelivery, TelegramUpdate

from .telegram_fake import bot_on

pytestmark = pytest.mark.django_db

ANNOUNCEMENTS = reverse("admin:support_announcement_changelist")
LINKS = reverse("admin:accounts_telegramlink_changelist")


def _staff(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def _linked(count=2):
    for chat_id in range(500, 500 + count):
        TelegramLink.objects.create(user=UserFactory(), chat_id=chat_id)


def test_a_content_editor_writes_and_broadcasts_an_announcement(client, settings):
    bot_on(settings)
    _linked(2)
    editor = _staff(client, "Content editor")

    added = client.post(
        reverse("admin:support_announcement_add"),
        {"text": "Double cashback this weekend!"},
    )
    announcement = Announcement.objects.get()
    response = client.post(
        ANNOUNCEMENTS, {"action": "broadcast", "_selected_action": [announcement.pk]}, follow=True
    )

    assert added.status_code == 302
    assert announcement.created_by == editor
    assert "1 queued for broadcast." in response.content.decode()
    announcement.refresh_from_db()
    assert announcement.status == "sending"
    assert AnnouncementDelivery.objects.filter(announcement=announcement).count() == 2
    log = AuditLog.objects.get(action="announcement.broadcast")
    assert (log.actor, log.metadata) == (editor, {"added": 2})
    # What went out is history: the text no longer changes.
    client.post(
        reverse("admin:support_announcement_change", args=[announcement.pk]),
        {"text": "Changed"},
    )
    announcement.refresh_from_db()
    assert announcement.text == "Double cashback this weekend!"


def test_broadcasting_with_the_bot_off_says_how_and_queues_nothing(client, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    _linked(1)
    editor = _staff(client, "Content editor")
    announcement = Announcement.objects.create(text="Hi", created_by=editor)

    response = client.post(
        ANNOUNCEMENTS, {"action": "broadcast", "_selected_action": [announcement.pk]}, follow=True
    )

    assert "Telegram is not set up on this site." in response.content.decode()
    assert AnnouncementDelivery.objects.count() == 0


@pytest.mark.parametrize("role", ["Support agent", "Finance", "Affiliate manager"])
def test_roles_without_broadcast_cannot_broadcast(client, settings, role):
    bot_on(settings)
    _linked(2)
    announcement = Announcement.objects.create(text="Hi", created_by=StaffFactory())
    _staff(client, role)

    response = client.post(
        ANNOUNCEMENTS, {"action": "broadcast", "_selected_action": [announcement.pk]}
    )

    assert response.status_code in {302, 403}
    assert AnnouncementDelivery.objects.count() == 0
    announcement.refresh_from_db()
    assert announcement.status == "draft"
    assert not AuditLog.objects.filter(action="announcement.broadcast").exists()


def test_a_support_agent_unlinks_a_chat_and_it_is_audited(client):
    _linked(2)
    agent = _staff(client, "Support agent")
    link = TelegramLink.objects.get(chat_id=500)

    response = client.post(LINKS, {"action": "unlink", "_selected_action": [link.pk]}, follow=True)

    assert "1 unlinked." in response.content.decode()
    assert list(TelegramLink.objects.values_list("chat_id", flat=True)) == [501]
    log = AuditLog.objects.get(action="telegram.unlink")
    assert (log.actor, log.metadata["chat_id"]) == (agent, 500)


@pytest.mark.parametrize("role", ["Finance", "Content editor"])
def test_other_roles_cannot_unlink(client, role):
    _linked(1)
    _staff(client, role)

    response = client.post(
        LINKS, {"action": "unlink", "_selected_action": [TelegramLink.objects.get().pk]}
    )

    assert response.status_code in {302, 403}
    assert TelegramLink.objects.count() == 1


def test_updates_are_read_only_even_for_a_support_agent(client):
    update = TelegramUpdate.objects.create(update_id=5, payload={"update_id": 5})
    _staff(client, "Support agent")

    listed = client.get(reverse("admin:support_telegramupdate_changelist"))
    deleted = client.post(
        reverse("admin:support_telegramupdate_delete", args=[update.pk]), {"post": "yes"}
    )

    assert listed.status_code == 200
    assert deleted.status_code == 403
    assert TelegramUpdate.objects.count() == 1
