"""Deliveries: preferences per channel, one send per delivery whatever the task does,
retries then `failed` for staff, Telegram's own errors, and the one-click unsubscribe
headers of promotional emails."""

import smtplib

import pytest

from accounts.models import TelegramLink
from accounts.tests.factories import UserFactory
from config.celery import app as celery_app
from support.models import Category, Channel, Notification, NotificationDelivery, NotificationInbox
from support.services import delivery as delivery_module
from support.services import notify
from support.services.preferences import preferences_update
from support.tasks import deliver_notification
from support.telegram.errors import TelegramChatGone, TelegramError, TelegramRetryAfter

pytestmark = pytest.mark.django_db
Status = NotificationDelivery.Status


def _deliver_queued():
    """What the broker does: run each queued delivery's task, and again each time it asks
    for a retry (an eager apply() that does not propagate runs the retry at once;
    countdowns are not waited for)."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        for pk in NotificationDelivery.objects.filter(status=Status.QUEUED).values_list(
            "pk", flat=True
        ):
            deliver_notification.apply(kwargs={"delivery_id": pk})
    finally:
        celery_app.conf.task_eager_propagates = propagates


def _tell(user, category=Category.SUPPORT, key="k:1", **kwargs):
    return notify(user=user, category=category, title="Hello", body="Body", key=key, **kwargs)


def test_email_off_writes_no_delivery_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    preferences_update(user, {"support": {"email": False}})

    with django_capture_on_commit_callbacks(execute=True):
        row = _tell(user)

    assert NotificationDelivery.objects.count() == 0
    assert mailoutbox == []
    assert row.in_app is True
    assert NotificationInbox.objects.get(pk=user.pk).unread == 1


def test_in_app_off_keeps_the_notice_out_of_the_list_and_the_counter(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="quiet@example.com")
    preferences_update(user, {"rewards": {"in_app": False}})

    with django_capture_on_commit_callbacks(execute=True):
        _tell(user, category=Category.REWARDS)

    assert list(Notification.objects.filter(user=user).values_list("in_app", flat=True)) == [False]
    assert not NotificationInbox.objects.filter(pk=user.pk, unread__gt=0).exists()
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "Hello" not in page
    assert [m.to for m in mailoutbox] == [["quiet@example.com"]]  # email still on


def test_a_locked_category_ignores_a_stored_off(mailoutbox, django_capture_on_commit_callbacks):
    """Even a row saved before the lock (or by hand) cannot silence security by email."""
    from support.models import NotificationPreference

    user = UserFactory(email="locked@example.com")
    NotificationPreference.objects.create(
        user=user, category=Category.SECURITY, channel=Channel.EMAIL, enabled=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        _tell(user, category=Category.SECURITY)

    assert [m.to for m in mailoutbox] == [["locked@example.com"]]


def test_a_redelivered_task_sends_nothing_twice(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user)
    delivery = NotificationDelivery.objects.get()

    deliver_notification.delay(delivery_id=delivery.pk)  # the broker hands it out again

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(mailoutbox)) == (Status.SENT, 1, 1)


def test_a_delivery_being_sent_is_not_claimed_by_a_second_worker(mailoutbox):
    user = UserFactory()
    _tell(user)
    delivery = NotificationDelivery.objects.get()
    NotificationDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENDING)

    deliver_notification.delay(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, mailoutbox) == (Status.SENDING, 0, [])


@pytest.mark.parametrize(
    "error", [OSError("Connection refused"), smtplib.SMTPServerDisconnected("gone away")]
)
def test_three_transient_failures_end_failed_with_the_error(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks, error
):
    calls = []

    def failing(delivery):
        calls.append(delivery.pk)
        raise error

    monkeypatch.setattr(delivery_module, "_send_email", failing)
    user = UserFactory()

    _tell(user)  # queued: the broker runs it below
    _deliver_queued()

    delivery = NotificationDelivery.objects.get()
    assert len(calls) == 3
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 3)
    assert delivery.last_error == f"{type(error).__name__}: {error}"
    assert mailoutbox == []


def test_a_failure_then_a_success_is_sent_once(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    real = delivery_module._send_email
    calls = []

    def flaky(delivery):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("timeout")
        real(delivery)

    monkeypatch.setattr(delivery_module, "_send_email", flaky)
    _tell(UserFactory())  # queued: the broker runs it below
    _deliver_queued()

    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts, len(mailoutbox)) == (Status.SENT, 2, 1)


def test_promotional_email_carries_one_click_unsubscribe(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://savebucks.test"
    user = UserFactory(email="deals@example.com")
    preferences_update(user, {"promotions": {"email": True}})

    with django_capture_on_commit_callbacks(execute=True):
        _tell(user, category=Category.PROMOTIONS, key="promo:1")
        _tell(user, category=Category.SUPPORT, key="reply:1")

    promo, reply = sorted(mailoutbox, key=lambda m: "List-Unsubscribe" not in m.extra_headers)
    link = promo.extra_headers["List-Unsubscribe"]
    assert link.startswith("<https://savebucks.test/notifications/unsubscribe/")
    assert link.endswith("/>")
    assert promo.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in promo.body
    assert "List-Unsubscribe" not in reply.extra_headers
    assert "List-Unsubscribe-Post" not in reply.extra_headers
    assert "unsubscribe" not in reply.body.lower()
    message = promo.message()  # what leaves for the mail server
    assert message["List-Unsubscribe"] == link
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.fixture
def telegram_user(settings):
    settings.TELEGRAM_BOT_TOKEN = "123:test"
    user = UserFactory()
    TelegramLink.objects.create(user=user, chat_id=4242)
    return user


@pytest.fixture
def stand_in(monkeypatch):
    """The Telegram sender replaced (the real one is the Telegram feature's)."""
    sent, script = [], []

    def send(delivery):
        if script:
            raise script.pop(0)
        sent.append(delivery.notification.title)

    monkeypatch.setattr(delivery_module, "telegram_send_notification", send)
    return sent, script


def _telegram_delivery():
    return NotificationDelivery.objects.get(channel=Channel.TELEGRAM)


def test_telegram_retry_after_waits_without_spending_a_try(
    telegram_user, stand_in, django_capture_on_commit_callbacks
):
    sent, script = stand_in
    script.extend([TelegramRetryAfter(7), TelegramRetryAfter(3), TelegramRetryAfter(1)])
    preferences_update(telegram_user, {"support": {"email": False}})

    _tell(telegram_user)  # queued: the broker runs it below
    _deliver_queued()

    delivery = _telegram_delivery()
    # three 429s and a success: one try spent, the message sent once
    assert (delivery.status, delivery.attempts, sent) == (Status.SENT, 1, ["Hello"])


def test_telegram_chat_gone_is_skipped_without_retry(
    telegram_user, stand_in, django_capture_on_commit_callbacks
):
    sent, script = stand_in
    script.extend([TelegramChatGone("blocked"), TelegramChatGone("again")])

    with django_capture_on_commit_callbacks(execute=True):
        _tell(telegram_user)

    delivery = _telegram_delivery()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        Status.SKIPPED,
        1,
        "blocked",
    )
    assert len(script) == 1  # the second error was never reached: no retry
    assert sent == []


def test_other_telegram_errors_are_retried_then_failed(
    telegram_user, stand_in, django_capture_on_commit_callbacks
):
    sent, script = stand_in
    script.extend([TelegramError("502 from the Bot API")] * 3)

    _tell(telegram_user)  # queued: the broker runs it below
    _deliver_queued()

    delivery = _telegram_delivery()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 3)
    assert delivery.last_error == "TelegramError: 502 from the Bot API"
    assert (sent, script) == ([], [])


def test_a_bug_in_sending_fails_the_delivery_visibly(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broken(delivery):
        raise ValueError("template bug")

    monkeypatch.setattr(delivery_module, "_send_email", broken)
    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        _tell(UserFactory())

    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == (Status.FAILED, "ValueError: template bug")
