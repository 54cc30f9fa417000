"""Linking a Telegram chat: the one-time token, the link's rules, the profile card in its
three states and the API."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog, TelegramLink, TelegramLinkToken
from accounts.services.telegram import (
    telegram_link_consume,
    telegram_link_token_create,
    token_digest,
)
from accounts.tests.factories import StaffFactory, UserFactory
from config.errors import Refusal
from support.models import Notification
from support.tests.telegram_fake import USERNAME, bot_on

pytestmark = pytest.mark.django_db

LINK = re.compile(rf"^https://t\.me/{USERNAME}\?start=([A-Za-z0-9_-]+)$")


@pytest.fixture(autouse=True)
def _bot(settings):
    bot_on(settings)


def _token(user) -> str:
    url, _ = telegram_link_token_create(user)
    return LINK.match(url).group(1)


def test_the_link_holds_a_url_safe_token_of_at_most_64_chars_and_only_its_digest_is_kept():
    user = UserFactory()
    before = timezone.now()

    url, expires_at = telegram_link_token_create(user)

    token = LINK.match(url).group(1)
    assert len(token) == 43 <= 64
    row = TelegramLinkToken.objects.get()
    assert row.digest == token_digest(token) and len(row.digest) == 64
    assert token not in row.digest
    assert before + timedelta(minutes=10) <= expires_at <= timezone.now() + timedelta(minutes=10)
    assert row.expires_at == expires_at and row.used_at is None


def test_a_token_links_once_and_a_reused_one_is_refused():
    user = UserFactory()
    token = _token(user)

    link = telegram_link_consume(token, 42, "ann")
    with pytest.raises(Refusal) as reused:
        telegram_link_consume(token, 43, "eve")

    assert (link.user, link.chat_id) == (user, 42)
    assert reused.value.code == "link_invalid"
    assert list(TelegramLink.objects.values_list("chat_id", flat=True)) == [42]


def test_an_expired_token_is_refused_and_nothing_is_linked():
    user = UserFactory()
    token = _token(user)
    TelegramLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(Refusal) as expired:
        telegram_link_consume(token, 42, "ann")

    assert expired.value.code == "link_invalid"
    assert TelegramLink.objects.count() == 0
    assert TelegramLinkToken.objects.get().used_at is None
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("token", ["", "x" * 65, "unknown-token"])
def test_a_malformed_or_unknown_token_is_refused(token):
    with pytest.raises(Refusal) as refused:
        telegram_link_consume(token, 42, "ann")

    assert refused.value.code == "link_invalid"
    assert TelegramLink.objects.count() == 0


def test_a_chat_linked_to_another_account_is_refused_until_that_account_unlinks():
    owner = UserFactory()
    TelegramLink.objects.create(user=owner, chat_id=42)
    newcomer = UserFactory()
    token = _token(newcomer)

    with pytest.raises(Refusal) as refused:
        telegram_link_consume(token, 42, "eve")

    assert refused.value.code == "chat_linked_elsewhere"
    assert TelegramLink.objects.get().user == owner
    assert TelegramLinkToken.objects.get().used_at is None  # still usable after /unlink


def test_linking_a_user_who_had_another_chat_moves_it():
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42, username="old")

    telegram_link_consume(_token(user), 99, "new")

    link = TelegramLink.objects.get()
    assert (link.user, link.chat_id, link.username) == (user, 99, "new")
    assert AuditLog.objects.get(action="telegram.link").metadata["moved"] is True


def test_linking_notifies_security_once_per_link():
    user = UserFactory()
    telegram_link_consume(_token(user), 42, "ann")
    TelegramLink.objects.all().delete()
    telegram_link_consume(_token(user), 42, "ann")

    notices = Notification.objects.filter(user=user, category="security")
    assert notices.count() == 2
    assert len(set(notices.values_list("key", flat=True))) == 2


def test_the_bot_off_refuses_a_link(settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    with pytest.raises(Refusal) as refused:
        telegram_link_token_create(UserFactory())

    assert (refused.value.code, refused.value.http_status) == ("telegram_disabled", 409)
    assert TelegramLinkToken.objects.count() == 0


def test_link_requests_are_rate_limited(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "telegram_link_account": (2, 3600)}
    user = UserFactory()
    telegram_link_token_create(user)
    telegram_link_token_create(user)

    with pytest.raises(Refusal) as refused:
        telegram_link_token_create(user)

    assert refused.value.code == "too_many_attempts"
    assert TelegramLinkToken.objects.count() == 2


# --- the API ---------------------------------------------------------------------------


def test_the_api_makes_a_link(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/api/v1/me/telegram/link/", content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert LINK.match(body["url"])
    assert TelegramLinkToken.objects.get(user=user).digest == token_digest(
        LINK.match(body["url"]).group(1)
    )
    assert body["expires_at"]


def test_the_api_says_telegram_disabled_when_the_bot_is_off(client, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    client.force_login(UserFactory())

    response = client.post("/api/v1/me/telegram/link/", content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "telegram_disabled"
    assert TelegramLinkToken.objects.count() == 0


def test_the_api_refuses_an_anonymous_caller(client):
    response = client.post("/api/v1/me/telegram/link/", content_type="application/json")

    assert response.status_code == 403
    assert TelegramLinkToken.objects.count() == 0


def test_the_api_shows_opts_out_and_unlinks(client):
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42, username="ann")
    other = UserFactory()
    TelegramLink.objects.create(user=other, chat_id=43)
    client.force_login(user)

    shown = client.get("/api/v1/me/telegram/").json()
    patched = client.patch(
        "/api/v1/me/telegram/", {"announcements": False}, content_type="application/json"
    )
    deleted = client.delete("/api/v1/me/telegram/")

    assert shown == {"enabled": True, "linked": True, "username": "ann", "announcements": True}
    assert patched.json()["announcements"] is False
    assert deleted.status_code == 204
    assert list(TelegramLink.objects.values_list("chat_id", "announcements")) == [(43, True)]


def test_opting_out_without_a_link_is_not_linked(client):
    client.force_login(UserFactory())

    response = client.patch(
        "/api/v1/me/telegram/", {"announcements": False}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_linked"


# --- the profile card ------------------------------------------------------------------


def test_the_card_with_the_bot_off_tells_staff_how_and_shoppers_not_available(client, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    client.force_login(StaffFactory())
    staff_page = client.get(reverse("accounts:profile")).content.decode()
    client.force_login(UserFactory())
    shopper_page = client.get(reverse("accounts:profile")).content.decode()

    assert "Telegram is not set up on this site" in staff_page
    assert "manage.py telegram_set_webhook" in staff_page
    assert "TELEGRAM_WEBHOOK_SECRET" in staff_page
    assert "Telegram notifications are not available." in shopper_page
    assert "TELEGRAM_BOT_TOKEN" not in shopper_page
    assert 'data-test="telegram-link"' not in shopper_page


def test_the_card_not_linked_offers_a_link_and_posting_shows_it_with_its_expiry(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("accounts:profile")).content.decode()
    made = client.post(reverse("accounts:telegram-link"))

    assert "Link Telegram" in page
    assert made.status_code == 200
    html = made.content.decode()
    token = re.search(rf"https://t\.me/{USERNAME}\?start=([A-Za-z0-9_-]+)", html).group(1)
    assert TelegramLinkToken.objects.get(user=user).digest == token_digest(token)
    assert "The link works once, until" in html


def test_the_card_linked_shows_the_username_the_opt_in_and_unlink(client):
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42, username="ann_tg")
    client.force_login(user)

    page = client.get(reverse("accounts:profile")).content.decode()
    opted_out = client.post(reverse("accounts:telegram-announcements"), {})
    link_after_opt_out = TelegramLink.objects.get()
    unlinked = client.post(reverse("accounts:telegram-unlink"))

    assert "@ann_tg" in page and 'name="announcements"' in page and "Unlink" in page
    assert opted_out.status_code == unlinked.status_code == 302
    assert link_after_opt_out.announcements is False
    assert TelegramLink.objects.count() == 0
    assert AuditLog.objects.filter(action="telegram.unlink", actor=user).count() == 1


def test_the_card_views_take_posts_only(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:telegram-link")).status_code == 405
    assert client.get(reverse("accounts:telegram-unlink")).status_code == 405
    assert TelegramLinkToken.objects.count() == 0
