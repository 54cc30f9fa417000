"""The bot's commands, each answered exactly once, through the fake Bot API."""

from decimal import Decimal

import pytest

from accounts.models import AuditLog, TelegramLink, VerificationRequest
from accounts.services.telegram import telegram_link_token_create
from accounts.tests.factories import UserFactory
from support.models import Notification, TelegramUpdate
from support.telegram.bot import update_process
from support.telegram.tasks import process_update
from wallet.tests.factories import give_available, recorded_event

from .telegram_fake import BLOCKED, bot_on, fake_bot_api, message_update

pytestmark = pytest.mark.django_db


def _say(update_id: int, chat_id: int, text: str, **kwargs) -> None:
    TelegramUpdate.objects.create(
        update_id=update_id, payload=message_update(update_id, chat_id, text, **kwargs)
    )
    process_update(update_id)


@pytest.fixture
def fake(settings):
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        yield fake


def _linked(chat_id=42, **kwargs):
    user = UserFactory(**kwargs)
    TelegramLink.objects.create(user=user, chat_id=chat_id, username="shopper")
    return user


def test_start_with_a_token_links_the_chat_and_tells_the_user(fake):
    user = UserFactory(email="ann@example.com")
    url, _ = telegram_link_token_create(user)
    token = url.split("?start=", 1)[1]

    _say(1, 4242, f"/start {token}", username="ann_tg")

    link = TelegramLink.objects.get()
    assert (link.user, link.chat_id, link.username) == (user, 4242, "ann_tg")
    assert fake.texts_to(4242) == [
        "Linked to your SaveBucks account (a***@example.com). Send /help to see what I can do."
    ]
    notice = Notification.objects.get(user=user)
    assert (notice.category, notice.title) == ("security", "Telegram linked")
    assert AuditLog.objects.filter(action="telegram.link", actor=user).count() == 1


def test_start_without_a_token_and_unknown_text_get_the_help(fake):
    _say(1, 42, "/start")
    _say(2, 42, "hello there")
    _say(3, 42, "/help@savebucks_test_bot")

    texts = fake.texts_to(42)
    assert len(texts) == 3
    assert all(text.startswith("SaveBucks bot") and "/balance" in text for text in texts)
    assert TelegramLink.objects.count() == 0


def test_start_with_a_bad_token_is_refused_in_the_chat(fake):
    _say(1, 42, "/start not-a-real-token")

    assert fake.texts_to(42) == [
        "That link has expired or was used. Make a new one on your profile."
    ]
    assert TelegramLink.objects.count() == 0


def test_balance_says_the_exact_available_and_pending_amounts(fake):
    user = _linked()
    give_available(user, "12.34")
    recorded_event(user, cashback="5.06")

    _say(1, 42, "/balance")

    assert fake.texts_to(42) == ["Available: 12.34 USD\nPending: 5.06 USD"]


def test_balance_of_a_chat_nobody_linked_says_so(fake):
    _say(1, 42, "/balance")

    assert len(fake.texts_to(42)) == 1
    assert fake.texts_to(42)[0].startswith("This chat is not linked")


def test_verify_creates_one_request_and_a_repeat_is_not_new(fake):
    user = _linked()

    _say(1, 42, "/verify PLAYER-77")
    _say(2, 42, "/verify PLAYER-77")

    request = VerificationRequest.objects.get()
    assert (request.user, request.external_uid, request.status, request.source) == (
        user,
        "PLAYER-77",
        "pending",
        "telegram",
    )
    assert fake.texts_to(42) == [
        "Thanks! Staff will check that PLAYER-77 is yours and tell you.",
        "You already asked to verify PLAYER-77: staff will check it.",
    ]


def test_verify_needs_a_linked_chat_and_an_id(fake):
    _say(1, 42, "/verify PLAYER-77")
    _linked(chat_id=43)
    _say(2, 43, "/verify")

    assert VerificationRequest.objects.count() == 0
    assert fake.texts_to(42)[0].startswith("This chat is not linked")
    assert fake.texts_to(43) == ["Send /verify followed by your user id on the partner platform."]


def test_unlink_removes_the_link_and_says_so(fake):
    user = _linked()

    _say(1, 42, "/unlink")
    _say(2, 42, "/unlink")

    assert not TelegramLink.objects.filter(user=user).exists()
    assert fake.texts_to(42)[0] == "Unlinked. This chat gets nothing from your account any more."
    assert fake.texts_to(42)[1].startswith("This chat is not linked")


def test_a_403_on_answering_unlinks_the_chat(settings):
    user = _linked()
    with fake_bot_api(BLOCKED) as fake:
        bot_on(settings, fake)
        _say(1, 42, "/balance")

    assert len(fake.sent()) == 1
    assert not TelegramLink.objects.filter(user=user).exists()
    assert TelegramUpdate.objects.get().processed_at is not None


def test_a_redelivered_task_answers_nothing_twice(fake):
    _linked()
    _say(1, 42, "/balance")

    process_update(1)
    assert update_process(1) is None

    assert len(fake.sent()) == 1


def test_non_message_updates_are_recorded_and_get_no_answer(fake):
    TelegramUpdate.objects.create(
        update_id=9, payload={"update_id": 9, "edited_message": {"text": "/balance"}}
    )
    TelegramUpdate.objects.create(
        update_id=10,
        payload={"update_id": 10, "message": {"chat": {"id": 42}, "sticker": {}}},
    )

    process_update(9)
    process_update(10)

    assert fake.calls == []
    assert TelegramUpdate.objects.filter(processed_at__isnull=False).count() == 2


def test_a_group_chat_is_asked_to_talk_privately(fake):
    update = message_update(1, -100, "/balance")
    update["message"]["chat"]["type"] = "group"
    TelegramUpdate.objects.create(update_id=1, payload=update)

    process_update(1)

    assert fake.texts_to(-100) == ["Please talk to me in a private chat."]


def test_balance_amounts_are_decimals_not_floats(fake):
    user = _linked()
    give_available(user, "0.10")
    give_available(user, "0.20")

    _say(1, 42, "/balance")

    assert fake.texts_to(42) == [f"Available: {Decimal('0.30')} USD\nPending: 0.00 USD"]
