"""POST /telegram/webhook/: the secret, the body, replays, and how little the view does."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import TelegramLink
from accounts.tests.factories import UserFactory
from support.models import TelegramUpdate

from .telegram_fake import SECRET, bot_on, fake_bot_api, message_update

pytestmark = pytest.mark.django_db

URL = "/telegram/webhook/"


def _post(client, body, secret=SECRET, **extra):
    headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers, **extra)


def test_the_url_is_named():
    assert reverse("support:telegram-webhook") == URL


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET[:-1]])
def test_a_wrong_or_missing_secret_is_403_and_nothing_is_stored(client, settings, secret):
    bot_on(settings)

    response = _post(client, message_update(1, 42, "/help"), secret=secret)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert TelegramUpdate.objects.count() == 0


@pytest.mark.parametrize("missing", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"])
def test_with_the_bot_off_the_webhook_is_404(client, settings, missing):
    bot_on(settings)
    setattr(settings, missing, "")

    response = _post(client, message_update(1, 42, "/help"), secret="")

    assert response.status_code == 404
    assert TelegramUpdate.objects.count() == 0


def test_get_is_not_allowed(client, settings):
    bot_on(settings)
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        b"\xff\xfe",
        "[]",
        '"text"',
        "{}",
        '{"update_id": "7"}',
        '{"update_id": 7.5}',
        '{"update_id": true}',
        '{"update_id": null}',
        '{"update_id": 99999999999999999999999}',
    ],
)
def test_malformed_json_or_no_integer_update_id_is_400_and_nothing_stored(client, settings, body):
    bot_on(settings)

    response = _post(client, body)

    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_json", "invalid_update"}
    assert TelegramUpdate.objects.count() == 0


def test_an_oversized_body_is_413_and_nothing_stored(client, settings):
    bot_on(settings)
    update = message_update(1, 42, "x" * (300 * 1024))

    response = _post(client, update)

    assert response.status_code == 413
    assert TelegramUpdate.objects.count() == 0


def test_a_replayed_update_is_one_row_and_one_answer(
    client, settings, django_capture_on_commit_callbacks
):
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42, username="shopper")
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        with django_capture_on_commit_callbacks(execute=True) as queued:
            first = _post(client, message_update(500, 42, "/help"))
            second = _post(client, message_update(500, 42, "/help"))
            third = _post(client, message_update(500, 42, "/balance"))

    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert first.json() == {"ok": True}
    assert len(queued) == 1  # the repeats queued nothing
    assert TelegramUpdate.objects.count() == 1
    assert TelegramUpdate.objects.get().processed_at is not None
    assert len(fake.sent()) == 1
    assert "/balance" in fake.sent()[0]["text"]  # the help, answered once


def test_the_view_does_one_insert_and_nothing_else(
    client, settings, django_capture_on_commit_callbacks
):
    bot_on(settings)

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        response = _post(client, message_update(77, 42, "/help"))

    assert response.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 1, statements
    assert statements[0].startswith('INSERT INTO "support_telegramupdate"')
    assert len(queued) == 1  # the work, for after the commit
    assert TelegramUpdate.objects.get().processed_at is None


def test_a_start_token_is_stored_as_its_digest_and_still_links(
    client, settings, django_capture_on_commit_callbacks
):
    from accounts.services.telegram import telegram_link_token_create, token_digest

    user = UserFactory()
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        url, _ = telegram_link_token_create(user)
        token = url.split("?start=", 1)[1]
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(client, message_update(600, 4242, f"/start {token}"))

    assert response.status_code == 200
    stored = TelegramUpdate.objects.get().payload["message"]["text"]
    assert stored == f"/start sha256:{token_digest(token)}"
    assert token not in json.dumps(TelegramUpdate.objects.get().payload)
    assert TelegramLink.objects.get().user == user
    assert fake.texts_to(4242)[0].startswith("Linked to your SaveBucks account")


def test_a_start_with_a_stored_digest_does_not_link(
    client, settings, django_capture_on_commit_callbacks
):
    """Whoever reads a token's digest (a database copy, a backup, a log of updates) must
    not be able to link their own chat with it: the digest is not the token."""
    from accounts.models import TelegramLinkToken
    from accounts.services.telegram import telegram_link_token_create

    victim = UserFactory()
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        telegram_link_token_create(victim)
        digest = TelegramLinkToken.objects.get(user=victim).digest
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(client, message_update(601, 6666, f"/start sha256:{digest}"))

    assert response.status_code == 200
    assert TelegramLink.objects.count() == 0
    assert TelegramLinkToken.objects.get(user=victim).used_at is None
    assert fake.texts_to(6666) == [
        "That link has expired or was used. Make a new one on your profile."
    ]
