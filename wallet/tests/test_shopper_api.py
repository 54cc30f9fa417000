from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from tracking.tests.factories import ClickFactory

from .factories import give_available, recorded_event

pytestmark = pytest.mark.django_db


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_cashback_clicks_and_statement_show_only_the_callers_rows():
    me, other = UserFactory(), UserFactory()
    mine = recorded_event(me, cashback="3.00")
    recorded_event(other, cashback="9.00")
    my_click = ClickFactory(user=me)
    ClickFactory(user=other)
    give_available(me, "5.00")
    give_available(other, "7.00")
    api = _api(me)

    cashback = api.get(reverse("api-me-cashback")).json()["results"]
    clicks = api.get(reverse("api-me-clicks")).json()["results"]
    statement = api.get(reverse("api-me-statement")).json()["results"]

    assert sorted(row["cashback"] for row in cashback) == ["3.00", "5.00"]
    assert mine.pk in [row["id"] for row in cashback]
    assert [row["click_id"] for row in clicks] == [str(my_click.click_id)]
    assert [
        (row["kind"], row["amount"], row["balance_before"], row["balance_after"])
        for row in statement
    ] == [("cashback.confirm", "5.00", "0.00", "5.00")]


def test_statement_of_another_account_and_a_bad_account_name():
    me = UserFactory()
    recorded_event(me, cashback="2.50")
    api = _api(me)

    pending = api.get(reverse("api-me-statement"), {"account": "pending"}).json()["results"]
    bad = api.get(reverse("api-me-statement"), {"account": "platform"})

    assert [(row["amount"], row["balance_after"]) for row in pending] == [("2.50", "2.50")]
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "code": "invalid_choice",
            "detail": "account is one of available, pending, hold.",
            "field": "account",
        },
    )


@pytest.mark.parametrize(
    "name",
    ["api-me-cashback", "api-me-clicks", "api-me-statement", "api-me-withdrawals", "api-me-wallet"],
)
def test_anonymous_callers_are_refused(name):
    assert APIClient().get(reverse(name)).status_code == 403


def test_statement_page_and_csv(client):
    me = UserFactory()
    give_available(me, "4.00")
    give_available(me, "6.00")
    client.force_login(me)

    page = client.get(reverse("wallet:statement"))
    csv_text = client.get(reverse("wallet:statement-csv")).content.decode()

    assert [e.balance_after for e in page.context["page"]] == [Decimal("10.00"), Decimal("4.00")]
    assert (
        csv_text.splitlines()[0] == "date,description,amount,balance_before,balance_after,reference"
    )
    assert ",6.00,4.00,10.00," in csv_text.splitlines()[1]
    assert client.get(reverse("wallet:statement"), {"account": "nope"}).status_code == 404


def test_statement_table_scrolls_sideways_on_a_phone(client):
    # At 375 px the five columns (bonus lines such as "Daily bonus, day 4 of 7" wrap
    # over three lines) pushed "Balance after" off the screen with no way to see it.
    me = UserFactory()
    give_available(me, "4.00")
    client.force_login(me)
    html = client.get(reverse("wallet:statement")).content.decode()
    assert '<div class="table-responsive">\n<table class="table table-sm align-middle"' in html


def test_activity_and_referrals_pages(client):
    me = UserFactory()
    ClickFactory(user=me, merchant__name="Acme")
    recorded_event(me, cashback="2.00")
    client.force_login(me)

    activity = client.get(reverse("tracking:activity")).content.decode()
    referrals = client.get(reverse("accounts:referrals")).content.decode()

    assert "<td>Acme</td>" in activity
    assert f"?ref={me.referral_code}" in referrals
