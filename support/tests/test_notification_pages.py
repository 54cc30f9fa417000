"""The preferences page and the one-click unsubscribe (no session: the token decides)."""

import pytest

from accounts.tests.factories import UserFactory
from support.models import Category, Channel, NotificationPreference
from support.services.preferences import LOCKED, preferences_matrix, preferences_update
from support.services.unsubscribe import unsubscribe_token

pytestmark = pytest.mark.django_db
PREFS = "/notifications/preferences/"


def _all_pairs_but_locked():
    return [
        f"{category}.{channel}"
        for category in Category.values
        for channel in Channel.values
        if (category, channel) not in LOCKED
    ]


def test_the_page_shows_locked_boxes_checked_and_disabled(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(PREFS).content.decode()

    assert page.count("checked disabled") == 6
    assert 'name="on" value="promotions.email"' in page
    assert 'value="promotions.email" id="pref-promotions.email" aria-label' in page  # off
    assert 'data-test="telegram-how"' in page


def test_saving_the_page_switches_exactly_what_changed(client):
    user = UserFactory()
    client.force_login(user)
    pairs = _all_pairs_but_locked()
    on = [p for p in pairs if p not in ("promotions.email", "promotions.telegram", "rewards.email")]
    on.append("promotions.email")

    response = client.post(PREFS, {"pair": pairs, "on": on})

    assert response.status_code == 302
    matrix = preferences_matrix(user)
    assert matrix["promotions"] == {"in_app": True, "email": True, "telegram": False}
    assert matrix["rewards"] == {"in_app": True, "email": False, "telegram": True}
    assert matrix["security"] == {"in_app": True, "email": True, "telegram": True}


def test_a_forged_locked_pair_is_a_form_error_and_nothing_saved(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(PREFS, {"pair": ["rewards.email", "security.email"], "on": []})

    assert response.status_code == 400
    assert 'data-test="form-error"' in response.content.decode()
    assert "always reach you" in response.content.decode()
    assert NotificationPreference.objects.count() == 0


def test_one_click_unsubscribe_without_a_session(client):
    user = UserFactory()
    preferences_update(user, {"promotions": {"email": True}})
    url = f"/notifications/unsubscribe/{unsubscribe_token(user, 'promotions')}/"

    shown = client.get(url)
    assert shown.status_code == 200
    assert 'data-test="unsubscribe"' in shown.content.decode()
    assert preferences_matrix(user)["promotions"]["email"] is True  # a GET changes nothing

    first = client.post(url, {"List-Unsubscribe": "One-Click"})
    again = client.post(url)

    assert (first.status_code, again.status_code) == (200, 200)
    assert preferences_matrix(user)["promotions"] == {
        "in_app": True,
        "email": False,
        "telegram": False,
    }
    assert NotificationPreference.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("how", ["tampered", "foreign_salt", "locked", "garbage"])
def test_bad_tokens_are_400_and_change_nothing(client, how):
    from django.core import signing

    user = UserFactory()
    preferences_update(user, {"promotions": {"email": True}})
    good = unsubscribe_token(user, "promotions")
    token = {
        "tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "foreign_salt": signing.dumps({"u": user.pk, "c": "promotions"}, compress=True),
        "locked": signing.dumps({"u": user.pk, "c": "security"}, salt="support.unsubscribe"),
        "garbage": "x" * 300,
    }[how]

    for response in (
        client.get(f"/notifications/unsubscribe/{token}/"),
        client.post(f"/notifications/unsubscribe/{token}/"),
    ):
        assert response.status_code == 400
        assert 'data-test="unsubscribe-error"' in response.content.decode()
    assert preferences_matrix(user)["promotions"]["email"] is True


def test_the_telegram_column_shows_only_when_the_bot_is_set_up(client, settings):
    user = UserFactory()
    client.force_login(user)

    settings.TELEGRAM_BOT_TOKEN = ""
    off = client.get(PREFS).content.decode()
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    on = client.get(PREFS).content.decode()

    # Without a bot the boxes would promise messages that can never come.
    assert ('value="rewards.telegram"' in off, '<th class="text-center">Telegram</th>' in off) == (
        False,
        False,
    )
    assert 'value="rewards.telegram"' in on and '<th class="text-center">Telegram</th>' in on
    assert "Telegram messages are not available on this site yet." in off
