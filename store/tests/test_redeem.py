"""Redeeming a SaveBucks gift card: POST /api/v1/me/gift-cards/redeem/ with the issue's
answers, the attempt limit counted before the lookup, and the /gift-cards/redeem/ page
(by code, or one button for a card sent to the shopper's verified email)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditLog
from accounts.tests.factories import UnverifiedUserFactory
from store.models import GiftCard
from store.services.giftcards import gift_card_disable
from store.tests.factories import (
    SaveBucksProductFactory,
    ShopperFactory,
    VariantFactory,
    funded_shopper,
)
from store.tests.factories_shop import wallet_order
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/gift-cards/redeem/"


def bought_card(*, value="25.00", recipient_email="") -> GiftCard:
    """A SaveBucks card bought through the store by a funded shopper."""
    buyer = funded_shopper("100.00")
    variant = VariantFactory(product=SaveBucksProductFactory(), denomination=Decimal(value))
    order = wallet_order(buyer, variant, recipient_email=recipient_email)
    return GiftCard.objects.get(order_item__order=order)


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_code_is_redeemed_into_the_available_balance_once():
    card = bought_card()
    friend = ShopperFactory()
    api = _api(friend)
    # As a person types it: lower case, spaces instead of dashes.
    typed = card.code.lower().replace("-", " ")

    response = api.post(URL, {"code": typed}, format="json")
    again = api.post(URL, {"code": card.code}, format="json")

    assert response.status_code == 201
    assert response.json() == {"amount": "25.00", "currency": "USD"}
    assert again.status_code == 409
    assert again.json() == {
        "code": "already_redeemed",
        "detail": "This gift card was already redeemed.",
        "field": "code",
    }
    assert balances(friend)["available"] == Decimal("25.00")
    card.refresh_from_db()
    assert (card.status, card.remaining_value, card.redeemed_by_id) == (
        "redeemed",
        Decimal("0.00"),
        friend.pk,
    )
    assert AuditLog.objects.filter(action="store.gift_card_redeem").count() == 1
    assert wallet_audit() == []


def test_an_unknown_code_is_404():
    shopper = ShopperFactory()

    response = _api(shopper).post(URL, {"code": "SBGC-AAAA-BBBB-CCCC-DDDD"}, format="json")

    assert response.status_code == 404
    assert response.json() == {
        "code": "unknown_code",
        "detail": "No gift card has that code.",
        "field": "code",
    }
    assert balances(shopper)["available"] == Decimal("0.00")


def test_an_expired_and_a_disabled_card_are_400_and_credit_nothing():
    expired = bought_card()
    GiftCard.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    disabled = bought_card()
    gift_card_disable(card=disabled, actor=None, reason="Reported stolen")
    shopper = ShopperFactory()
    api = _api(shopper)

    old = api.post(URL, {"code": expired.code}, format="json")
    off = api.post(URL, {"code": disabled.code}, format="json")

    assert (old.status_code, old.json()["code"]) == (400, "expired")
    assert (off.status_code, off.json()["code"]) == (400, "disabled")
    assert balances(shopper)["available"] == Decimal("0.00")
    assert set(GiftCard.objects.values_list("status", flat=True)) == {"active", "disabled"}


def test_an_unverified_shopper_cannot_redeem():
    card = bought_card()

    response = _api(UnverifiedUserFactory()).post(URL, {"code": card.code}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "email_unverified")
    card.refresh_from_db()
    assert card.status == "active"


@pytest.mark.parametrize(
    ("body", "code"),
    [({}, "required"), ({"code": ""}, "blank"), ({"code": "x" * 41}, "max_length")],
)
def test_a_malformed_body_is_400(body, code):
    response = _api(ShopperFactory()).post(URL, body, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, "code")


def test_attempts_are_counted_before_the_lookup(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "giftcard_redeem_account": (3, 600)}
    card = bought_card()
    shopper = ShopperFactory()
    api = _api(shopper)

    guesses = [
        api.post(URL, {"code": f"SBGC-AAAA-BBBB-CCCC-DDD{n}"}, format="json").status_code
        for n in range(3)
    ]
    # The right code, but the guesses used up the attempts.
    right = api.post(URL, {"code": card.code}, format="json")

    assert guesses == [404, 404, 404]
    assert right.status_code == 429
    assert right.json()["code"] == "too_many_attempts"
    assert balances(shopper)["available"] == Decimal("0.00")
    card.refresh_from_db()
    assert card.status == "active"


def test_anonymous_is_refused():
    response = APIClient().post(URL, {"code": "SBGC-AAAA"}, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "not_authenticated")


# --- The page ---------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_redeems_a_typed_code():
    card = bought_card(value="10.00")
    shopper = ShopperFactory()
    client = _client(shopper)

    response = client.post("/gift-cards/redeem/", {"code": card.code}, follow=True)

    assert response.status_code == 200
    assert "USD 10.00 added to your available balance." in response.content.decode()
    assert balances(shopper)["available"] == Decimal("10.00")


def test_the_page_shows_a_refusal_on_the_code_field():
    shopper = ShopperFactory()

    response = _client(shopper).post("/gift-cards/redeem/", {"code": "SBGC-NOPE"})

    assert response.status_code == 200
    assert "No gift card has that code." in response.content.decode()
    assert response.context["form"].errors == {"code": ["No gift card has that code."]}


def test_cards_sent_to_my_verified_email_are_listed_and_redeemed_with_one_button():
    friend = ShopperFactory(email="friend@example.com")
    card = bought_card(value="15.00", recipient_email="Friend@Example.com")
    other = bought_card(recipient_email="someone@example.com")
    client = _client(friend)

    page = client.get("/gift-cards/redeem/")

    html = page.content.decode()
    assert list(page.context["sent"]) == [card]
    assert f"••••{card.last4}" in html and card.code not in html
    assert f"••••{other.last4}" not in html

    response = client.post("/gift-cards/redeem/", {"card": card.pk}, follow=True)

    assert "USD 15.00 added to your available balance." in response.content.decode()
    assert balances(friend)["available"] == Decimal("15.00")
    assert list(response.context["sent"]) == []


def test_a_card_not_sent_to_me_cannot_be_redeemed_by_its_id():
    card = bought_card(recipient_email="someone@example.com")
    unverified = UnverifiedUserFactory(email="someone@example.com")
    stranger = ShopperFactory()

    for user in (stranger, unverified):
        response = _client(user).post("/gift-cards/redeem/", {"card": card.pk})
        assert response.status_code == 200
        assert "That gift card is not one sent to you." in response.content.decode()
        assert response.context["sent"] == []
    card.refresh_from_db()
    assert card.status == "active"
    assert balances(stranger)["available"] == balances(unverified)["available"] == Decimal("0")


def test_the_page_needs_a_login():
    response = Client().get("/gift-cards/redeem/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
