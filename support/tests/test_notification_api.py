"""/api/v1/me/notifications/… and /api/v1/me/notification-preferences/."""

import pytest

from accounts.tests.factories import UserFactory
from support.models import NotificationInbox, NotificationPreference

from .factories_notifications import notifications_for

pytestmark = pytest.mark.django_db
LIST = "/api/v1/me/notifications/"
READ = "/api/v1/me/notifications/read/"
PREFS = "/api/v1/me/notification-preferences/"


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_list_pages_by_before_with_the_counter(client, shopper):
    rows = notifications_for(shopper, 25)
    newest = [row.pk for row in reversed(rows)]

    first = client.get(LIST, {"page_size": 10}).json()
    second = client.get(LIST, {"page_size": 10, "before": first["next_before"]}).json()

    assert [n["id"] for n in first["results"]] == newest[:10]
    assert [n["id"] for n in second["results"]] == newest[10:20]
    assert first["unread_count"] == 25
    assert first["results"][0] == {
        "id": newest[0],
        "category": "cashback",
        "title": "Notice 24",
        "body": "Body 24",
        "url": "/wallet/statement/?n=24",
        "read_at": None,
        "created_at": first["results"][0]["created_at"],
    }


@pytest.mark.parametrize(
    "query",
    [{"before": "x"}, {"before": "0"}, {"before": "9" * 5000}, {"page_size": "101"}],
)
def test_bad_list_parameters_are_400(client, shopper, query):
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_read_some_then_all(client, shopper):
    mine = notifications_for(shopper, 4)
    theirs = notifications_for(UserFactory(), 2)

    some = client.post(READ, {"ids": [mine[0].pk, theirs[0].pk]}, content_type="application/json")
    rest = client.post(READ, {}, content_type="application/json")

    assert (some.status_code, some.json()) == (200, {"marked": 1, "unread_count": 3})
    assert (rest.status_code, rest.json()) == (200, {"marked": 3, "unread_count": 0})
    assert NotificationInbox.objects.get(pk=theirs[0].user_id).unread == 2


@pytest.mark.parametrize(
    "body", [{"ids": ["abc"]}, {"ids": "1"}, {"ids": [1.5]}, {"ids": list(range(1, 600))}]
)
def test_bad_ids_are_400_and_nothing_marked(client, shopper, body):
    notifications_for(shopper, 2)

    response = client.post(READ, body, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) >= {"code", "detail"}
    assert NotificationInbox.objects.get(pk=shopper.pk).unread == 2


def test_preferences_get_and_partial_put(client, shopper):
    got = client.get(PREFS).json()
    assert got["promotions"] == {"in_app": True, "email": False, "telegram": False}
    assert got["security"] == {"in_app": True, "email": True, "telegram": True}

    response = client.put(
        PREFS,
        {"promotions": {"email": True}, "rewards": {"in_app": False, "telegram": False}},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["promotions"] == {"in_app": True, "email": True, "telegram": False}
    assert response.json()["rewards"] == {"in_app": False, "email": True, "telegram": False}
    assert response.json()["cashback"] == {"in_app": True, "email": True, "telegram": True}
    assert NotificationPreference.objects.filter(user=shopper).count() == 3


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"rewards": {"email": False}, "security": {"email": False}}, "locked_preference"),
        ({"rewards": {"email": False}, "cashback": {"in_app": False}}, "locked_preference"),
        ({"withdrawals": {"email": False}}, "locked_preference"),
        ({"rewards": {"email": False}, "nonsense": {"email": False}}, "unknown_category"),
        ({"rewards": {"email": False, "sms": True}}, "unknown_channel"),
        ({"rewards": {"email": "no"}}, "invalid"),
        ({"rewards": True}, "invalid"),
        (["rewards"], "invalid"),
    ],
)
def test_refused_preferences_save_nothing(client, shopper, body, code):
    response = client.put(PREFS, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert NotificationPreference.objects.count() == 0


def test_anonymous_callers_are_refused(client):
    for response in (
        client.get(LIST),
        client.post(READ, {}, content_type="application/json"),
        client.get(PREFS),
        client.put(PREFS, {}, content_type="application/json"),
    ):
        assert response.status_code in (401, 403)
