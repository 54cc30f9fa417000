"""The Bot API client and the notification delivery: errors by kind, the token never in
an error or a log line, 429 waits exactly retry_after, 403 unlinks."""

import logging

import pytest

from accounts.models import TelegramLink
from accounts.tests.factories import UserFactory
from support.models import Channel, Notification, NotificationDelivery
from support.telegram.client import MAX_RESPONSE_BYTES, bot_call, send_message
from support.telegram.delivery import telegram_send_notification
from support.telegram.errors import (
    TelegramChatGone,
    TelegramError,
    TelegramNotLinked,
    TelegramRetryAfter,
)

from .telegram_fake import (
    BAD,
    BLOCKED,
    CHAT_NOT_FOUND,
    TOKEN,
    bot_on,
    fake_bot_api,
    too_many,
)

pytestmark = pytest.mark.django_db


def test_a_call_posts_json_to_the_method_with_the_token(settings):
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        send_message(42, "hello")

    assert fake.calls == [
        {
            "method": "sendMessage",
            "token": TOKEN,
            "json": {"chat_id": 42, "text": "hello", "link_preview_options": {"is_disabled": True}},
            "at": None,
            "status": 200,
        }
    ]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (too_many(7), TelegramRetryAfter),
        (BLOCKED, TelegramChatGone),
        (CHAT_NOT_FOUND, TelegramChatGone),
        (BAD, TelegramError),
        ((500, {"ok": False}), TelegramError),
        ((200, {"ok": False}), TelegramError),
    ],
)
def test_each_refusal_is_its_error_and_neither_it_nor_the_log_holds_the_token(
    settings, caplog, answer, error
):
    caplog.set_level(logging.DEBUG)
    with fake_bot_api(answer) as fake:
        bot_on(settings, fake)
        with pytest.raises(error) as raised:
            send_message(42, "hello")

    assert type(raised.value) is error
    assert TOKEN not in str(raised.value) and "fake-bot-token" not in repr(raised.value)
    assert caplog.text  # urllib3 logged the request line, with the token redacted
    assert TOKEN not in caplog.text and "fake-bot-token" not in caplog.text
    assert raised.value.__cause__ is None or TOKEN not in str(raised.value.__cause__)


def test_retry_after_is_read_from_the_parameters(settings):
    with fake_bot_api(too_many(13)) as fake:
        bot_on(settings, fake)
        with pytest.raises(TelegramRetryAfter) as raised:
            send_message(42, "hello")

    assert raised.value.retry_after == 13


def test_an_unreachable_api_is_an_error_without_the_token_or_the_url(settings, caplog):
    bot_on(settings)
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # discard: nothing listens
    caplog.set_level(logging.DEBUG)

    with pytest.raises(TelegramError) as raised:
        bot_call("getMe", {})

    assert str(raised.value) == "Telegram getMe: could not reach the Bot API."
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert TOKEN not in caplog.text and "fake-bot-token" not in caplog.text


def test_an_oversized_answer_is_refused(settings):
    huge = (200, {"ok": True, "result": "x" * (MAX_RESPONSE_BYTES + 10)})
    with fake_bot_api(huge) as fake:
        bot_on(settings, fake)
        with pytest.raises(TelegramError, match="too large"):
            send_message(42, "hello")


def test_no_token_means_no_call(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(TelegramError, match="not configured"):
        bot_call("getMe", {})


def _delivery(user, **kwargs) -> NotificationDelivery:
    notification = Notification.objects.create(
        user=user,
        category="cashback",
        key="k1",
        title="Cashback confirmed",
        body="5.00 USD is yours.",
        url="/wallet/",
    )
    return NotificationDelivery.objects.create(
        notification=notification, channel=Channel.TELEGRAM, **kwargs
    )


def test_a_notification_goes_to_the_linked_chat_with_its_absolute_link(settings):
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42)
    settings.SITE_URL = "https://savebucks.example"
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        telegram_send_notification(_delivery(user))

    assert fake.texts_to(42) == [
        "Cashback confirmed\n\n5.00 USD is yours.\n\nhttps://savebucks.example/wallet/"
    ]


def test_no_linked_chat_is_not_linked_and_nothing_is_sent(settings):
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        with pytest.raises(TelegramNotLinked):
            telegram_send_notification(_delivery(UserFactory()))

    assert fake.calls == []


def test_a_429_waits_exactly_retry_after_then_sends_the_same_message(settings):
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42)
    slept = []
    with fake_bot_api(too_many(3)) as fake:
        bot_on(settings, fake)
        telegram_send_notification(_delivery(user), sleep=slept.append)

    assert slept == [3]
    assert len(fake.sent()) == 2
    assert fake.sent()[0] == fake.sent()[1]


def test_a_long_429_goes_up_for_the_task_to_retry_later(settings):
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42)
    slept = []
    with fake_bot_api(too_many(120)) as fake:
        bot_on(settings, fake)
        with pytest.raises(TelegramRetryAfter) as raised:
            telegram_send_notification(_delivery(user), sleep=slept.append)

    assert raised.value.retry_after == 120
    assert slept == []
    assert len(fake.sent()) == 1


def test_a_403_unlinks_the_chat_then_goes_up(settings):
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=42)
    other = UserFactory()
    TelegramLink.objects.create(user=other, chat_id=43)
    with fake_bot_api(BLOCKED) as fake:
        bot_on(settings, fake)
        with pytest.raises(TelegramChatGone):
            telegram_send_notification(_delivery(user))

    assert list(TelegramLink.objects.values_list("chat_id", flat=True)) == [43]
