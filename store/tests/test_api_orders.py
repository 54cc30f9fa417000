"""POST/GET /api/v1/me/orders/ and GET /<number>/: placing through order_place with the
issue's answers exactly, the replayed key, malformed bodies as 400s, the limit, and the
caller's own orders with their codes masked."""

from decimal import Decimal

import pytest
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UnverifiedUserFactory
from store.models import Code, Order
from store.tests.factories import (
    SaveBucksProductFactory,
    ShopperFactory,
    VariantFactory,
    add_codes,
    funded_shopper,
)
from store.tests.factories_shop import wallet_order
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/orders/"
ZERO = Decimal("0.00")


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _body(variant, quantity=1, key="key-1", **extra):
    return {
        "items": [{"variant": variant.pk, "quantity": quantity}],
        "payment": "wallet",
        "idempotency_key": key,
        **extra,
    }


def _post(api, body):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api.post(URL, body, format="json")


def test_a_wallet_order_is_201_with_the_issue_body_and_delivered():
    shopper = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 3)

    response = _post(_api(shopper), _body(variant, quantity=2))

    order = Order.objects.get(user=shopper)
    assert response.status_code == 201
    # Paid when answered: delivery is the fulfil task's, queued after the commit.
    assert order.status == "fulfilled"
    assert response.json() == {
        "number": order.number,
        "status": "paid",
        "total": "20.00",
        "wallet_used": "20.00",
        "gateway_amount": "0.00",
        "checkout_url": None,
    }
    assert balances(shopper) == {"available": Decimal("10.00"), "pending": ZERO, "hold": ZERO}
    assert Code.objects.filter(order_item__order=order, status="sold").count() == 2
    assert wallet_audit() == []


def test_the_same_key_again_is_200_with_the_same_body_and_one_order():
    shopper = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 3)
    api = _api(shopper)

    first = _post(api, _body(variant))
    again = _post(api, _body(variant))

    assert (first.status_code, again.status_code) == (201, 200)
    # The same order, delivered since.
    assert again.json() == {**first.json(), "status": "fulfilled"}
    assert Order.objects.filter(user=shopper).count() == 1
    assert balances(shopper)["available"] == Decimal("20.00")


def test_the_same_key_for_another_basket_is_409_and_changes_nothing():
    shopper = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 3)
    api = _api(shopper)
    _post(api, _body(variant))

    response = _post(api, _body(variant, quantity=2))

    assert response.status_code == 409
    assert response.json() == {
        "code": "idempotency_conflict",
        "detail": "This idempotency_key was used for another order.",
        "field": "idempotency_key",
    }
    assert Order.objects.filter(user=shopper).count() == 1
    assert balances(shopper)["available"] == Decimal("20.00")


def test_out_of_stock_is_409_and_holds_nothing():
    shopper = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 1)

    response = _post(_api(shopper), _body(variant, quantity=2))

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert response.json()["field"] == "items"
    assert not Order.objects.exists()
    assert Code.objects.get().status == "available"
    assert balances(shopper) == {"available": Decimal("30.00"), "pending": ZERO, "hold": ZERO}


def test_insufficient_funds_is_400_and_releases_the_codes():
    shopper = funded_shopper("5.00")
    variant = VariantFactory()
    add_codes(variant, 1)

    response = _post(_api(shopper), _body(variant))

    assert response.status_code == 400
    assert response.json() == {
        "code": "insufficient_funds",
        "detail": "Your available balance is USD 5.00; this order needs 10.00.",
        "field": "payment",
    }
    assert not Order.objects.exists()
    assert Code.objects.get().status == "available"
    assert balances(shopper)["available"] == Decimal("5.00")


def test_above_the_order_limit_is_400_limit_exceeded(settings):
    settings.STORE_MAX_ORDER_AMOUNT = Decimal("15.00")
    shopper = funded_shopper("100.00")
    variant = VariantFactory()
    add_codes(variant, 2)

    response = _post(_api(shopper), _body(variant, quantity=2))

    assert response.status_code == 400
    assert response.json()["code"] == "limit_exceeded"
    assert not Order.objects.exists()
    assert balances(shopper)["available"] == Decimal("100.00")


def test_an_unverified_email_is_403():
    shopper = UnverifiedUserFactory()
    variant = VariantFactory()
    add_codes(variant, 1)

    response = _post(_api(shopper), _body(variant))

    assert response.status_code == 403
    assert response.json() == {
        "code": "email_unverified",
        "detail": "Verify your email address before buying gift cards.",
    }
    assert not Order.objects.exists()


def test_an_unknown_variant_and_a_disabled_gateway_are_400():
    shopper = funded_shopper("30.00")
    variant = VariantFactory(is_available=False)
    api = _api(shopper)

    unknown = _post(api, _body(variant))
    gateway = _post(api, _body(VariantFactory(), payment="gateway", gateway="stripe", key="k2"))

    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_variant")
    assert (gateway.status_code, gateway.json()["code"], gateway.json()["field"]) == (
        400,
        "gateway_unavailable",
        "gateway",
    )
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "items"),
        ({"items": [], "payment": "wallet", "idempotency_key": "k"}, "items"),
        ({"items": "x", "payment": "wallet", "idempotency_key": "k"}, "items"),
        ({"items": [{"variant": 1, "quantity": 11}], "payment": "wallet", "idempotency_key": "k"},
         "items.quantity"),
        ({"items": [{"variant": "a", "quantity": 1}], "payment": "wallet", "idempotency_key": "k"},
         "items.variant"),
        ({"items": [{"variant": 1, "quantity": 1, "amount": "1.001"}], "payment": "wallet",
          "idempotency_key": "k"}, "items.amount"),
        ({"items": [{"variant": 1, "quantity": 1}], "payment": "cash", "idempotency_key": "k"},
         "payment"),
        ({"items": [{"variant": 1, "quantity": 1}], "payment": "wallet", "idempotency_key": ""},
         "idempotency_key"),
        ({"items": [{"variant": 1, "quantity": 1}], "payment": "wallet",
          "idempotency_key": "a b"}, "idempotency_key"),
        ({"items": [{"variant": 1, "quantity": 1}] * 11, "payment": "wallet",
          "idempotency_key": "k"}, "items"),
    ],
)  # fmt: skip
def test_a_malformed_body_is_a_400_naming_its_field(body, field):
    shopper = funded_shopper("30.00")

    response = _post(_api(shopper), body)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Order.objects.exists()


def test_a_range_value_and_a_gift_card_recipient_go_through():
    shopper = funded_shopper("100.00")
    product = SaveBucksProductFactory()
    from store.tests.factories_shop import range_variant

    variant = range_variant(product, "5.00", "100.00")
    body = {
        "items": [
            {
                "variant": variant.pk,
                "quantity": 1,
                "amount": "42.50",
                "recipient_email": "friend@example.com",
                "message": "Happy birthday",
            }
        ],
        "payment": "wallet",
        "idempotency_key": "gift-1",
    }

    response = _post(_api(shopper), body)

    assert response.status_code == 201
    assert response.json()["total"] == "42.50"
    item = Order.objects.get().items.get()
    assert (item.denomination, item.recipient_email, item.recipient_message) == (
        Decimal("42.50"),
        "friend@example.com",
        "Happy birthday",
    )
    assert item.gift_cards.get().recipient_email == "friend@example.com"


def test_orders_beyond_the_account_limit_are_429(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "store_order_account": (2, 3600)}
    shopper = funded_shopper("100.00")
    variant = VariantFactory()
    add_codes(variant, 5)
    api = _api(shopper)

    answers = [_post(api, _body(variant, key=f"k{n}")).status_code for n in range(3)]

    assert answers == [201, 201, 429]
    assert Order.objects.filter(user=shopper).count() == 2


def test_anonymous_and_api_key_callers_are_refused():
    variant = VariantFactory()
    add_codes(variant, 1)

    anonymous = APIClient().post(URL, _body(variant), format="json")
    listing = APIClient().get(URL)
    keyed = APIClient().get(URL, HTTP_AUTHORIZATION="Api-Key not-a-session")

    assert (anonymous.status_code, anonymous.json()["code"]) == (403, "not_authenticated")
    assert (listing.status_code, keyed.status_code) == (403, 403)
    assert not Order.objects.exists()


# --- Reading ------------------------------------------------------------------------


def test_my_orders_newest_first_and_only_mine():
    shopper = funded_shopper("100.00")
    variant = VariantFactory()
    add_codes(variant, 5)
    first = wallet_order(shopper, variant, key="a")
    second = wallet_order(shopper, variant, key="b")
    wallet_order(funded_shopper("20.00"), variant, key="a")

    response = _api(shopper).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["number"] for o in body["results"]] == [second.number, first.number]
    assert body["results"][0] == {
        "number": second.number,
        "status": "fulfilled",
        "payment_method": "wallet",
        "gateway": "",
        "currency": "USD",
        "subtotal": "10.00",
        "total": "10.00",
        "wallet_used": "10.00",
        "gateway_amount": "0.00",
        "refunded_amount": "0.00",
        "created_at": body["results"][0]["created_at"],
        "paid_at": body["results"][0]["paid_at"],
        "fulfilled_at": body["results"][0]["fulfilled_at"],
        "cancelled_at": None,
    }


def test_an_order_shows_its_codes_masked(django_assert_num_queries):
    shopper = funded_shopper("100.00")
    variant = VariantFactory()
    codes = add_codes(variant, 2)
    order = wallet_order(shopper, variant, quantity=2)
    item = order.items.get()
    api = _api(shopper)
    sold = list(Code.objects.filter(order_item=item).order_by("pk"))
    Code.objects.filter(pk=sold[0].pk).update(reveal_count=1, first_revealed_at=timezone.now())

    # the order, its items, their codes, their gift cards: none per item or code
    with django_assert_num_queries(4):
        response = api.get(f"{URL}{order.number}/")

    assert response.status_code == 200
    body = response.json()
    assert body["items"] == [
        {
            "id": item.pk,
            "name": f"{variant.product.name} USD 10.00",
            "sku": variant.product.sku,
            "kind": "voucher",
            "denomination": "10.00",
            "unit_price": "10.00",
            "quantity": 2,
            "line_total": "20.00",
            "status": "delivered",
            "recipient_email": "",
            "codes": [
                {"id": sold[0].pk, "last4": sold[0].last4, "revealed": True},
                {"id": sold[1].pk, "last4": sold[1].last4, "revealed": False},
            ],
        }
    ]
    assert (body["status"], body["cancellable"], body["checkout_url"]) == ("fulfilled", False, None)
    text = response.content.decode()
    assert not any(code in text for code in codes)


def test_another_shoppers_order_is_404_like_a_missing_one():
    owner = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    order = wallet_order(owner, variant)
    api = _api(ShopperFactory())

    theirs = api.get(f"{URL}{order.number}/")
    missing = api.get(f"{URL}SB-O999999/")

    assert theirs.status_code == missing.status_code == 404
    assert (
        theirs.json()
        == missing.json()
        == {
            "code": "not_found",
            "detail": "No such order in your account.",
        }
    )
