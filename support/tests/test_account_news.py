"""What accounts and partners tell a user through notify(): new-device logins, payout
details changed, partner decisions, referrals that became active."""

import pytest

from accounts.models import Referral
from accounts.tests.factories import PASSWORD, ReferralFactory, StaffFactory, UserFactory
from affiliates.services.partners import partner_decide
from affiliates.tests.factories import PartnerFactory
from support.account_news import referrals_activated
from support.models import Category, Notification, NotificationDelivery
from support.services.preferences import LockedPreference, preferences_update

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
FIREFOX_NEXT = "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0"
CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def _login(client, user, agent):
    client.logout()
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "username": user.email, "password": PASSWORD},
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _security(user):
    return list(
        Notification.objects.filter(user=user, category=Category.SECURITY).values_list(
            "title", flat=True
        )
    )


def test_a_new_browser_is_told_once_and_the_first_login_is_not_news(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="me@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        _login(client, user, FIREFOX)  # the first login of the account
        _login(client, user, FIREFOX_NEXT)  # the same browser, updated
    assert _security(user) == []

    with django_capture_on_commit_callbacks(execute=True):
        _login(client, user, CHROME_WIN)
        _login(client, user, CHROME_WIN)
        _login(client, user, FIREFOX)

    assert _security(user) == ["New login: Chrome on Windows"]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["me@example.com"], "New login: Chrome on Windows")
    ]


def test_changed_payout_details_are_told_even_with_security_email_switched_off(
    mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.emails import payout_details_changed_email_queue

    user = UserFactory(email="payee@example.com")
    with pytest.raises(LockedPreference):
        preferences_update(user, {"security": {"email": False, "in_app": False}})

    with django_capture_on_commit_callbacks(execute=True):
        payout_details_changed_email_queue(user=user, where="PayPal withdrawals")

    assert _security(user) == ["Your payout details changed"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["payee@example.com"]
    assert "The payout details for your PayPal withdrawals were just changed" in mailoutbox[0].body


def test_a_partner_decision_goes_through_notify_with_its_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(status="pending")

    with django_capture_on_commit_callbacks(execute=True):
        assert partner_decide(partner=partner, decision="approve", actor=StaffFactory())

    notice = Notification.objects.get(user=partner.user)
    assert (notice.category, notice.title) == ("partner", "Your partner account is approved")
    assert NotificationDelivery.objects.get(notification=notice).status == "sent"
    assert [m.subject for m in mailoutbox] == ["Welcome to the SaveBucks partner programme"]


def test_a_partner_who_switched_partner_email_off_gets_the_notice_only(
    mailoutbox, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(status="pending")
    preferences_update(partner.user, {"partner": {"email": False}})

    with django_capture_on_commit_callbacks(execute=True):
        partner_decide(partner=partner, decision="reject", actor=StaffFactory(), reason="No site")

    assert Notification.objects.get(user=partner.user).body == "No site"
    assert mailoutbox == []


def test_an_activated_referral_tells_the_referrer_once():
    referral = ReferralFactory(status=Referral.Status.ACTIVE)

    referrals_activated([referral.pk])
    referrals_activated([referral.pk])  # a redelivered task

    assert list(
        Notification.objects.filter(user=referral.referrer).values_list("category", "title")
    ) == [("referrals", "A friend you referred is now active")]
    assert Notification.objects.filter(user=referral.referred).count() == 0
