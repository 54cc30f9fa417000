"""manage.py telegram_set_webhook against the fake Bot API."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .telegram_fake import BAD, SECRET, TOKEN, bot_on, fake_bot_api

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("telegram_set_webhook", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_it_registers_the_webhook_with_the_secret_and_never_prints_them(settings):
    settings.SITE_URL = "https://savebucks.example"
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        output = _run("--drop-pending-updates")

    assert fake.calls[0]["method"] == "setWebhook"
    assert fake.calls[0]["token"] == TOKEN
    assert fake.calls[0]["json"] == {
        "url": "https://savebucks.example/telegram/webhook/",
        "secret_token": SECRET,
        "allowed_updates": ["message"],
        "drop_pending_updates": True,
    }
    assert "Webhook set to https://savebucks.example/telegram/webhook/." in output
    assert TOKEN not in output and SECRET not in output


def test_an_api_refusal_exits_non_zero_without_the_token(settings):
    with fake_bot_api(BAD) as fake:
        bot_on(settings, fake)
        with pytest.raises(CommandError) as failed:
            _run()

    assert "Telegram refused the webhook" in str(failed.value)
    assert TOKEN not in str(failed.value) and SECRET not in str(failed.value)


@pytest.mark.parametrize("missing", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"])
def test_missing_settings_exit_non_zero_and_call_nothing(settings, missing):
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        setattr(settings, missing, "")
        with pytest.raises(CommandError, match=f"Set {missing} first"):
            _run()

    assert fake.calls == []


def test_a_secret_telegram_would_refuse_is_refused_here(settings):
    with fake_bot_api() as fake:
        bot_on(settings, fake)
        settings.TELEGRAM_WEBHOOK_SECRET = "has spaces!"
        with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
            _run()

    assert fake.calls == []
