"""/verify in the bot, decided in the admin by a Support agent: the race's ExternalAccount
is verified (created or moved to the uid) and the shopper told; a uid of another shopper
is refused; Finance may not decide; nobody decides their own request."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog, TelegramLink, VerificationRequest
from accounts.tests.factories import StaffFactory, UserFactory
from gamification.models import ExternalAccount
from gamification.services.verification_requests import (
    verification_request_approve,
    verification_request_reject,
)
from support.models import Notification, TelegramUpdate
from support.telegram.tasks import process_update
from support.tests.telegram_fake import bot_on, fake_bot_api, message_update

pytestmark = pytest.mark.django_db

REQUESTS = reverse("admin:accounts_verificationrequest_changelist")


def _staff(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def _requested(uid="PLAYER-77", user=None) -> VerificationRequest:
    return VerificationRequest.objects.create(user=user or UserFactory(), external_uid=uid)


def test_verify_in_the_bot_then_approve_in_the_admin_verifies_and_tells_the_shopper(
    client, settings
):
    shopper = UserFactory()
    TelegramLink.objects.create(user=shopper, chat_id=42)
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        TelegramUpdate.objects.create(
            update_id=1, payload=message_update(1, 42, "/verify PLAYER-77")
        )
        process_update(1)
    request = VerificationRequest.objects.get()
    agent = _staff(client, "Support agent")

    response = client.post(
        REQUESTS, {"action": "approve", "_selected_action": [request.pk]}, follow=True
    )

    assert "1 approved." in response.content.decode()
    account = ExternalAccount.objects.get(user=shopper)
    assert (account.uid, account.verified_by) == ("PLAYER-77", agent)
    assert account.verified_at is not None
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", agent)
    notice = Notification.objects.get(user=shopper, category="rewards")
    assert notice.title == "Partner account verified"
    assert AuditLog.objects.filter(action="verificationrequest.approved", actor=agent).count() == 1


def test_approving_moves_an_unverified_account_to_the_requested_uid(client):
    shopper = UserFactory()
    ExternalAccount.objects.create(user=shopper, uid="OLD-1")
    request = _requested("NEW-2", shopper)
    agent = StaffFactory()

    verification_request_approve(verification=request, actor=agent)

    account = ExternalAccount.objects.get(user=shopper)
    assert (account.uid, account.verified) == ("NEW-2", True)
    assert ExternalAccount.objects.count() == 1


def test_a_uid_held_by_another_shopper_is_refused_and_nothing_changes(client):
    ExternalAccount.objects.create(user=UserFactory(), uid="PLAYER-77")
    request = _requested("PLAYER-77")
    _staff(client, "Support agent")

    response = client.post(
        REQUESTS, {"action": "approve", "_selected_action": [request.pk]}, follow=True
    )

    assert "PLAYER-77 is linked to another shopper." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"
    assert ExternalAccount.objects.count() == 1
    assert ExternalAccount.objects.get().verified_at is None
    assert Notification.objects.count() == 0


def test_reject_needs_a_reason_and_tells_the_shopper_why(client):
    request = _requested()
    agent = _staff(client, "Support agent")

    without = client.post(
        REQUESTS, {"action": "reject", "_selected_action": [request.pk], "reason": ""}, follow=True
    )
    request.refresh_from_db()
    assert request.status == "pending"
    assert "Say why the request is rejected" in without.content.decode()

    client.post(
        REQUESTS,
        {"action": "reject", "_selected_action": [request.pk], "reason": "No such player."},
    )

    request.refresh_from_db()
    assert (request.status, request.reason, request.decided_by) == (
        "rejected",
        "No such player.",
        agent,
    )
    notice = Notification.objects.get(user=request.user)
    assert notice.body == "We could not verify PLAYER-77: No such player."
    assert ExternalAccount.objects.count() == 0


def test_a_decided_request_is_not_decided_again(client):
    request = _requested()
    verification_request_reject(verification=request, actor=StaffFactory(), reason="No.")
    _staff(client, "Support agent")

    response = client.post(
        REQUESTS, {"action": "approve", "_selected_action": [request.pk]}, follow=True
    )

    assert "This request was decided already." in response.content.decode()
    assert ExternalAccount.objects.count() == 0
    assert Notification.objects.filter(user=request.user).count() == 1


@pytest.mark.parametrize("role", ["Finance", "Content editor", "Affiliate manager"])
def test_roles_without_decide_are_refused(client, role):
    request = _requested()
    _staff(client, role)

    response = client.post(REQUESTS, {"action": "approve", "_selected_action": [request.pk]})

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"
    assert ExternalAccount.objects.count() == 0


def test_staff_never_decide_their_own_request(client):
    agent = _staff(client, "Support agent")
    request = _requested(user=agent)

    response = client.post(
        REQUESTS, {"action": "approve", "_selected_action": [request.pk]}, follow=True
    )

    assert "ask another staff member" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"
    assert ExternalAccount.objects.count() == 0
