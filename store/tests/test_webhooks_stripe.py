"""POST /webhooks/payments/stripe/: verified by the stripe library, applied by state."""

import time
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from store.models import Code, WebhookEvent
from store.tests.factories import ShopperFactory, funded_shopper
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import (
    STRIPE_WEBHOOK_SECRET,
    stripe_api,
    stripe_event,
    stripe_headers,
)
from wallet.models import Account
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
URL = reverse("store:payment-webhook", args=["stripe"])


@pytest.fixture
def stripe_fake(settings):
    with stripe_api(settings) as api:
        yield api


def _post(client, body: bytes, **headers):
    return client.post(URL, body, content_type="application/json", **headers)


def _codes(order) -> list[str]:
    return sorted(Code.objects.filter(order_item__order=order).values_list("status", flat=True))


def test_a_completed_paid_session_signed_as_stripe_signs_captures_and_fulfils(
    client, stripe_fake, django_capture_on_commit_callbacks
):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    session = stripe_fake.complete(payment.provider_order_id)
    body = stripe_event("checkout.session.completed", session)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, body, **stripe_headers(body))

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "outcomes": ["captured"]},
    )
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.provider_payment_id) == (
        "fulfilled",
        "captured",
        session["payment_intent"],
    )
    assert _codes(order) == ["sold"]
    assert list(WebhookEvent.objects.values_list("event_id", "event_type", "outcome")) == [
        ("evt_test_1", "checkout.session.completed", "captured")
    ]
    assert len(mail.outbox) == 1
    assert wallet_audit() == []


@pytest.mark.parametrize(
    "signing",
    [
        pytest.param({"secret": "whsec_someone_else"}, id="wrong-secret"),
        pytest.param({"timestamp": int(time.time()) - 3600}, id="too-old"),
        pytest.param(None, id="no-header"),
        pytest.param("garbage", id="garbage-header"),
    ],
)
def test_an_unverifiable_stripe_webhook_is_400_and_writes_nothing(client, stripe_fake, signing):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    body = stripe_event(
        "checkout.session.completed", stripe_fake.complete(payment.provider_order_id)
    )
    if signing is None:
        headers = {}
    elif signing == "garbage":
        headers = {"HTTP_STRIPE_SIGNATURE": "t=yesterday,v1=zz"}
    else:
        headers = stripe_headers(body, **signing)

    response = _post(client, body, **headers)

    assert (response.status_code, response.json()["code"]) == (400, "bad_signature")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status, _codes(order)) == ("pending", "created", ["reserved"])
    assert WebhookEvent.objects.count() == 0


def test_a_completed_session_not_yet_paid_changes_nothing(client, stripe_fake):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    session = stripe_fake.complete(payment.provider_order_id, paid=False)
    body = stripe_event("checkout.session.completed", session)

    response = _post(client, body, **stripe_headers(body))

    assert response.json() == {"status": "ok", "outcomes": ["recorded"]}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status, _codes(order)) == ("pending", "created", ["reserved"])
    assert len(mail.outbox) == 0


def test_a_delayed_payment_that_succeeds_later_captures(
    client, stripe_fake, django_capture_on_commit_callbacks
):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    unpaid = stripe_event(
        "checkout.session.completed",
        dict(stripe_fake.complete(payment.provider_order_id, paid=False)),
        event_id="evt_1",
    )
    paid = stripe_event(
        "checkout.session.async_payment_succeeded",
        stripe_fake.complete(payment.provider_order_id),
        event_id="evt_2",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, unpaid, **stripe_headers(unpaid))
        response = _post(client, paid, **stripe_headers(paid))

    assert response.json() == {"status": "ok", "outcomes": ["captured"]}
    order.refresh_from_db()
    assert order.status == "fulfilled"


@pytest.mark.parametrize(
    "event_type", ["checkout.session.expired", "checkout.session.async_payment_failed"]
)
def test_an_expired_session_fails_the_order_and_gives_back_codes_and_hold_exactly(
    client, stripe_fake, event_type
):
    shopper = funded_shopper("4.00")
    order, payment = gateway_order(
        shopper, stocked_variant(codes=2, price="10.00"), gateway="stripe", payment="mixed"
    )
    assert balances(shopper) == {
        "available": Decimal("0.00"),
        "pending": Decimal("0.00"),
        "hold": Decimal("4.00"),
    }
    session = {**stripe_fake.sessions[payment.provider_order_id], "status": "expired"}
    body = stripe_event(event_type, session)

    response = _post(client, body, **stripe_headers(body))

    assert response.json() == {"status": "ok", "outcomes": ["failed; order failed"]}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("failed", "failed")
    assert _codes(order) == []
    assert Code.objects.filter(status="available").count() == 2
    assert balances(shopper) == {
        "available": Decimal("4.00"),
        "pending": Decimal("0.00"),
        "hold": Decimal("0.00"),
    }
    assert not Account.objects.filter(owner=None, kind="store_sales").exclude(balance=0).exists()
    assert stripe_fake.called("POST", "/v1/refunds") == []  # nothing was captured
    assert wallet_audit() == []


def test_a_capture_of_another_amount_is_flagged_not_fulfilled(
    client, stripe_fake, django_capture_on_commit_callbacks
):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    body = stripe_event(
        "checkout.session.completed",
        stripe_fake.complete(payment.provider_order_id, amount=999),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, body, **stripe_headers(body))

    assert response.json()["outcomes"] == ["flagged: amount or currency mismatch"]
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.flagged, payment.status, payment.flagged) == (
        "pending",
        True,
        "created",
        True,
    )
    assert _codes(order) == ["reserved"]


def test_stripe_replays_are_duplicates(client, stripe_fake, django_capture_on_commit_callbacks):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    body = stripe_event(
        "checkout.session.completed", stripe_fake.complete(payment.provider_order_id)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, body, **stripe_headers(body))

    again = _post(client, body, **stripe_headers(body))

    assert again.json() == {"status": "duplicate"}
    assert WebhookEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_without_a_webhook_secret_every_stripe_webhook_is_refused(client, stripe_fake, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = stripe_event("checkout.session.completed", {"id": "cs_x", "object": "checkout.session"})

    response = _post(client, body, **stripe_headers(body, secret=""))

    assert (response.status_code, response.json()["code"]) == (400, "bad_signature")
    assert STRIPE_WEBHOOK_SECRET  # the fixture's secret was replaced, not used
    assert WebhookEvent.objects.count() == 0


def test_a_signed_body_that_is_not_an_event_is_400_bad_payload(client, stripe_fake):
    body = b"not json at all"

    response = _post(client, body, **stripe_headers(body))

    assert (response.status_code, response.json()["code"]) == (400, "bad_payload")
    assert WebhookEvent.objects.count() == 0


def test_a_database_error_answers_503_so_stripe_retries(client, stripe_fake, monkeypatch):
    from django.db import OperationalError

    from store.services import webhooks

    def down(**kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr(webhooks, "payment_event_apply", down)
    body = stripe_event("checkout.session.completed", {"id": "cs_x", "object": "checkout.session"})

    response = _post(client, body, **stripe_headers(body))

    assert (response.status_code, response.json()["code"]) == (503, "unavailable")
