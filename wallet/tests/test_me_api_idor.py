"""Shopper B reaching for shopper A's things through /api/v1/me/…: the endpoint that
takes an id answers 404 (never 403, which would confirm the id), every list and total is
B's alone whatever the filters say, a write changes only B, and nothing of A's changes.
(The partner endpoints have the same matrix in affiliates/tests/test_api_idor.py.)"""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Referral, User
from accounts.tests.factories import PASSWORD, ReferralFactory, UserFactory
from affiliates.tests.factories import PartnerFactory
from affiliates.tests.support import key_client
from offers.tests.factories import MerchantFactory
from tracking.models import Click
from tracking.tests.factories import ClickFactory
from wallet.models import Account, CashbackEvent, Entry, Transaction, Withdrawal
from wallet.services.withdrawals import withdrawal_request

from .factories import give_available, recorded_event

pytestmark = pytest.mark.django_db

D = Decimal


def _world(name, cashback, available, withdrawn):
    """A shopper with a click, a pending sale, confirmed cashback partly withdrawn (the
    withdrawal still pending), and a friend they referred."""
    user = UserFactory(email=f"{name}@example.com", first_name=name.title(), phone="")
    merchant = MerchantFactory(slug=f"{name}-store")
    click = ClickFactory(user=user, merchant=merchant)
    event = recorded_event(user, cashback=cashback, merchant=merchant)
    give_available(user, available)
    withdrawal = withdrawal_request(
        user=user,
        method_code="paypal",
        amount=D(withdrawn),
        details={"paypal_email": f"{name}@paypal.example"},
        password=PASSWORD,
    )
    referral = ReferralFactory(referrer=user, referred=UserFactory(first_name=f"{name}'s friend"))
    client = APIClient()
    client.force_login(user)
    return {
        "user": user,
        "merchant": merchant,
        "click": click,
        "event": event,
        "withdrawal": withdrawal,
        "referral": referral,
        "client": client,
    }


@pytest.fixture
def a():
    return _world("alice", cashback="4.00", available="50.00", withdrawn="20.00")


@pytest.fixture
def b():
    return _world("bob", cashback="3.00", available="30.00", withdrawn="10.00")


def _snapshot(world):
    """Everything of a shopper's that B might have changed."""
    user = world["user"]
    return {
        "user": User.objects.filter(pk=user.pk).values().get(),
        "clicks": list(Click.objects.filter(user=user).order_by("pk").values()),
        "events": list(CashbackEvent.objects.filter(user=user).order_by("pk").values()),
        "withdrawals": list(Withdrawal.objects.filter(user=user).order_by("pk").values()),
        "referrals": list(Referral.objects.filter(referrer=user).order_by("pk").values()),
        "balances": list(
            Account.objects.filter(owner=user).order_by("pk").values("kind", "balance")
        ),
        "entries": list(
            Entry.objects.filter(account__owner=user).order_by("pk").values_list("pk", flat=True)
        ),
    }


def test_another_shoppers_withdrawal_cannot_be_cancelled(a, b):
    before = (_snapshot(a), Transaction.objects.count())

    response = b["client"].post(
        reverse("api-me-withdrawal-cancel", args=[a["withdrawal"].pk]), format="json"
    )

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "detail": "No Withdrawal matches the given query.",
    }
    assert (_snapshot(a), Transaction.objects.count()) == before


def test_the_owner_can_cancel_it():
    """The matrix is not vacuous: the same request from A cancels A's withdrawal."""
    world = _world("carol", cashback="1.00", available="25.00", withdrawn="15.00")

    response = world["client"].post(
        reverse("api-me-withdrawal-cancel", args=[world["withdrawal"].pk]), format="json"
    )

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")


# url name, query, what identifies a row, the caller's own rows
LISTS = [
    ("api-me-cashback", {}, "id", lambda w: [w["event"].pk, *_confirmed(w)]),
    ("api-me-cashback", {"status": "pending"}, "id", lambda w: [w["event"].pk]),
    ("api-me-clicks", {}, "click_id", lambda w: [str(w["click"].click_id)]),
    ("api-me-withdrawals", {}, "id", lambda w: [w["withdrawal"].pk]),
    ("api-me-withdrawals", {"status": "pending"}, "id", lambda w: [w["withdrawal"].pk]),
    ("api-me-referrals", {}, "id", lambda w: [w["referral"].pk]),
    ("api-me-statement", {"account": "available"}, "id", lambda w: _entries(w, "available")),
    ("api-me-statement", {"account": "pending"}, "id", lambda w: _entries(w, "pending")),
    ("api-me-statement", {"account": "hold"}, "id", lambda w: _entries(w, "hold")),
]


def _confirmed(world):
    return list(
        CashbackEvent.objects.filter(user=world["user"], status="confirmed").values_list(
            "pk", flat=True
        )
    )


def _entries(world, kind):
    return list(
        Entry.objects.filter(account__owner=world["user"], account__kind=kind)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize(("name", "query", "key", "own"), LISTS)
def test_lists_show_only_the_callers_rows(a, b, name, query, key, own):
    before = _snapshot(a)

    rows = b["client"].get(reverse(name), query).json()["results"]

    assert sorted(row[key] for row in rows) == sorted(own(b))
    assert own(a)  # A has rows here that B could have seen
    assert _snapshot(a) == before


def test_filtering_by_another_shoppers_store_finds_nothing_of_theirs(a, b):
    rows = b["client"].get(reverse("api-me-clicks"), {"merchant__slug": "alice-store"}).json()

    assert rows["results"] == []


def test_the_wallet_and_profile_are_the_callers_own(a, b):
    wallet = b["client"].get(reverse("api-me-wallet")).json()
    me = b["client"].get(reverse("api-me")).json()

    assert wallet == {
        "available": "20.00",  # 30.00 confirmed, 10.00 of it on hold for the withdrawal
        "pending": "3.00",
        "lifetime_earned": "30.00",
        "currency": "USD",
    }
    assert (me["id"], me["email"]) == (b["user"].pk, "bob@example.com")


@pytest.mark.parametrize("field", ["id", "email", "user", "user_id", "pk"])
def test_a_profile_change_naming_another_shopper_changes_only_the_caller(a, b, field):
    before = _snapshot(a)

    response = b["client"].patch(
        reverse("api-me"),
        {field: a["user"].pk if field != "email" else "alice@example.com", "last_name": "B."},
        format="json",
    )

    assert (response.status_code, response.json()["id"]) == (200, b["user"].pk)
    b["user"].refresh_from_db()
    assert (b["user"].email, b["user"].last_name) == ("bob@example.com", "B.")
    assert _snapshot(a) == before


def test_a_withdrawal_naming_another_shopper_spends_only_the_callers_money(a, b):
    before = _snapshot(a)

    response = b["client"].post(
        reverse("api-me-withdrawals"),
        {
            "method": "paypal",
            "amount": "5.00",
            "paypal_email": "bob@paypal.example",
            "user": a["user"].pk,
            "user_id": a["user"].pk,
        },
        format="json",
    )

    assert response.status_code == 201
    assert Withdrawal.objects.get(pk=response.json()["id"]).user == b["user"]
    balances = dict(Account.objects.filter(owner=b["user"]).values_list("kind", "balance"))
    assert (balances["available"], balances["hold"]) == (D("15.00"), D("15.00"))
    assert _snapshot(a) == before


ME_ENDPOINTS = [
    ("get", "api-me", []),
    ("patch", "api-me", []),
    ("get", "api-me-referrals", []),
    ("get", "api-me-wallet", []),
    ("get", "api-me-cashback", []),
    ("get", "api-me-clicks", []),
    ("get", "api-me-statement", []),
    ("get", "api-me-withdrawals", []),
    ("post", "api-me-withdrawals", []),
    ("post", "api-me-withdrawal-cancel", ["withdrawal"]),
]


@pytest.mark.parametrize(("method", "name", "args"), ME_ENDPOINTS)
def test_a_partner_api_key_opens_no_shoppers_data(a, method, name, args):
    """API keys are for the partner API: even the key of A's own partner account gets
    nothing of A's from /me/."""
    partner = PartnerFactory(user=a["user"])
    client, _ = key_client(partner)
    before = _snapshot(a)

    response = getattr(client, method)(
        reverse(name, args=[a[arg].pk for arg in args]),
        {"method": "paypal", "amount": "5.00", "first_name": "Mallory"},
        format="json",
    )

    assert response.status_code == 403
    assert _snapshot(a) == before


@pytest.mark.parametrize(("method", "name", "args"), ME_ENDPOINTS)
def test_an_anonymous_caller_gets_nothing(a, method, name, args):
    before = _snapshot(a)

    response = getattr(APIClient(), method)(
        reverse(name, args=[a[arg].pk for arg in args]), {}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }
    assert _snapshot(a) == before
