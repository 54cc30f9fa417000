"""Two concurrent /start with the same token on PostgreSQL: one link."""

import pytest

from accounts.models import TelegramLink, TelegramLinkToken
from accounts.services.telegram import telegram_link_consume, telegram_link_token_create
from accounts.tests.factories import UserFactory
from config.errors import Refusal
from config.testing import race
from support.tests.telegram_fake import bot_on, fake_bot_api

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_starts_with_one_token_link_one_chat(settings):
    user = UserFactory()
    with fake_bot_api() as fake:  # the security notice reaches the new chat too
        bot_on(settings, fake)
        url, _ = telegram_link_token_create(user)
        token = url.split("?start=", 1)[1]

        results = race(2, lambda i: telegram_link_consume(token, 1000 + i, f"chat{i}"))

    linked = [r for r in results if isinstance(r, TelegramLink)]
    refused = [r for r in results if isinstance(r, Refusal)]
    assert (len(linked), len(refused)) == (1, 1), results
    assert refused[0].code == "link_invalid"
    assert TelegramLink.objects.count() == 1
    assert TelegramLink.objects.get().chat_id == linked[0].chat_id
    assert TelegramLinkToken.objects.get().used_at is not None
