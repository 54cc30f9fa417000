"""Revealing an item's codes: the owner's delivered item only (the same 404 otherwise),
by session with CSRF (never an API key), rate-limited, audited with last fours only,
counted once per reveal in one UPDATE, never cached; the page shows the codes in the
POST's answer, not in a URL."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditLog
from accounts.tests.factories import PASSWORD
from affiliates.services.apikeys import api_key_create
from affiliates.tests.factories import PartnerFactory
from store.models import Code, GiftCard, Order
from store.tests.factories import (
    SaveBucksProductFactory,
    ShopperFactory,
    VariantFactory,
    add_codes,
    funded_shopper,
)
from store.tests.factories_shop import wallet_order

pytestmark = pytest.mark.django_db


def _url(order, item) -> str:
    return f"/api/v1/me/orders/{order.number}/items/{item.pk}/reveal/"


@pytest.fixture
def delivered():
    shopper = funded_shopper("50.00")
    variant = VariantFactory()
    codes = add_codes(variant, 2)
    order = wallet_order(shopper, variant, quantity=2)
    assert order.status == Order.Status.FULFILLED
    return shopper, order, order.items.get(), codes


def _session(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def test_the_owner_sees_the_codes_once_audited_and_counted(delivered):
    shopper, order, item, codes = delivered
    api = _session(shopper)

    response = api.post(_url(order, item))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "codes": [
            {"code": codes[0], "pin": "1234", "expires_on": None, "value": "10.00"},
            {"code": codes[1], "pin": "1234", "expires_on": None, "value": "10.00"},
        ]
    }
    sold = list(Code.objects.filter(order_item=item).order_by("pk"))
    assert [c.reveal_count for c in sold] == [1, 1]
    first_seen = sold[0].first_revealed_at
    assert first_seen is not None
    [audit] = AuditLog.objects.filter(action="store.code_reveal")
    assert (audit.actor_id, audit.entity_type, audit.entity_id) == (
        shopper.pk,
        "store.orderitem",
        str(item.pk),
    )
    assert audit.metadata == {"order": order.number, "last4": [c[-4:] for c in codes]}
    assert not any(code in str(audit.metadata) for code in codes)

    again = api.post(_url(order, item))

    assert again.status_code == 200
    sold = list(Code.objects.filter(order_item=item).order_by("pk"))
    assert [c.reveal_count for c in sold] == [2, 2]
    assert sold[0].first_revealed_at == first_seen  # set once, kept
    assert AuditLog.objects.filter(action="store.code_reveal").count() == 2


def test_the_count_is_one_update_per_kind_of_secret(delivered):
    shopper, order, item, _ = delivered
    api = _session(shopper)
    api.post(_url(order, item))  # the session and its user are cached from here

    from config.testing import data_statements

    with data_statements() as statements:
        api.post(_url(order, item))

    assert statements.count("UPDATE store_code") == 1
    assert statements.count("INSERT accounts_auditlog") == 1


def test_a_savebucks_card_reveals_its_code_and_value():
    shopper = funded_shopper("50.00")
    variant = VariantFactory(product=SaveBucksProductFactory(), denomination=Decimal("25.00"))
    order = wallet_order(shopper, variant)
    item = order.items.get()
    card = GiftCard.objects.get(order_item=item)

    response = _session(shopper).post(_url(order, item))

    assert response.status_code == 200
    assert response.json() == {
        "codes": [
            {
                "code": card.code,
                "pin": "",
                "expires_on": card.expires_at.date().isoformat(),
                "value": "25.00",
            }
        ]
    }
    card.refresh_from_db()
    assert (card.reveal_count, card.first_revealed_at is not None) == (1, True)


def test_another_shopper_and_a_missing_item_meet_the_same_404(delivered):
    _, order, item, codes = delivered
    stranger = _session(ShopperFactory())

    theirs = stranger.post(_url(order, item))
    missing = stranger.post(f"/api/v1/me/orders/{order.number}/items/999999/reveal/")

    assert theirs.status_code == missing.status_code == 404
    assert (
        theirs.json()
        == missing.json()
        == {
            "code": "not_found",
            "detail": "No such delivered item in your orders.",
        }
    )
    assert not any(code in theirs.content.decode() for code in codes)
    assert set(Code.objects.values_list("reveal_count", flat=True)) == {0}
    assert not AuditLog.objects.filter(action="store.code_reveal").exists()


def test_an_undelivered_item_is_not_found():
    shopper = funded_shopper("50.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    from store.services.order_place import ItemRequest, order_place

    # Placed but the fulfil task never ran (no commit in this test): paid, not delivered.
    order, _ = order_place(
        user=shopper,
        items=[ItemRequest(variant=variant.pk, quantity=1)],
        payment="wallet",
        idempotency_key="k",
    )

    response = _session(shopper).post(_url(order, order.items.get()))

    assert response.status_code == 404
    assert Code.objects.get().reveal_count == 0


def test_an_api_key_cannot_reveal_even_the_keys_own_order(delivered):
    shopper, order, item, _codes = delivered
    _, key = api_key_create(partner=PartnerFactory(user=shopper), name="app")

    response = APIClient().post(_url(order, item), HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    assert set(Code.objects.values_list("reveal_count", flat=True)) == {0}


def test_a_session_without_the_csrf_token_cannot_reveal(delivered):
    shopper, order, item, _ = delivered
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(shopper)

    response = api.post(_url(order, item))

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert set(Code.objects.values_list("reveal_count", flat=True)) == {0}


def test_anonymous_is_refused(delivered):
    _, order, item, _ = delivered

    response = APIClient().post(_url(order, item))

    assert (response.status_code, response.json()["code"]) == (403, "not_authenticated")


def test_reveals_beyond_the_limit_are_429_with_retry_info(delivered, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "store_reveal_account": (2, 3600)}
    shopper, order, item, codes = delivered
    api = _session(shopper)

    answers = [api.post(_url(order, item)) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused.json()["code"] == "too_many_attempts"
    assert 60 <= int(refused["Retry-After"]) <= 3600
    assert not any(code in refused.content.decode() for code in codes)
    assert set(Code.objects.values_list("reveal_count", flat=True)) == {2}


# --- The page ---------------------------------------------------------------------


def _page_url(order, item) -> str:
    return f"/gift-cards/orders/{order.number}/items/{item.pk}/reveal/"


def test_the_order_page_masks_codes_until_the_reveal_post_shows_them(delivered):
    shopper, order, item, codes = delivered
    client = Client()
    client.force_login(shopper)

    page = client.get(order.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == 200
    assert not any(code in html for code in codes)
    assert html.count('data-test="masked-code"') == 2
    assert f"••••{codes[0][-4:]}" in html
    assert f'action="{_page_url(order, item)}"' in html

    revealed = client.post(_page_url(order, item))

    assert revealed.status_code == 200
    assert "no-store" in revealed["Cache-Control"]
    html = revealed.content.decode()
    assert all(code in html for code in codes)
    assert Code.objects.filter(order_item=item, reveal_count=1).count() == 2
    assert AuditLog.objects.filter(action="store.code_reveal").count() == 1
    # Reading the page again shows them masked (the reveal lives only in that answer).
    again = client.get(order.get_absolute_url()).content.decode()
    assert not any(code in again for code in codes)
    assert "(revealed)" in again


def test_the_page_reveal_is_post_only_and_the_owners_only(delivered):
    _, order, item, _codes = delivered
    stranger = Client()
    stranger.force_login(ShopperFactory())
    anonymous = Client().post(_page_url(order, item))

    assert stranger.get(_page_url(order, item)).status_code == 405
    assert stranger.post(_page_url(order, item)).status_code == 404
    assert stranger.get(order.get_absolute_url()).status_code == 404
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert set(Code.objects.values_list("reveal_count", flat=True)) == {0}


def test_the_page_reveal_needs_the_csrf_token(delivered):
    shopper, order, item, _ = delivered
    client = Client(enforce_csrf_checks=True)
    client.login(email=shopper.email, password=PASSWORD)

    assert client.post(_page_url(order, item)).status_code == 403
    assert set(Code.objects.values_list("reveal_count", flat=True)) == {0}


def test_no_log_line_carries_a_code(delivered, caplog):
    shopper, order, item, codes = delivered
    client = Client()
    client.force_login(shopper)

    with caplog.at_level("DEBUG"):
        client.post(_page_url(order, item))
        _session(shopper).post(_url(order, item))

    assert caplog.records  # the request log wrote its lines
    assert not any(code in caplog.text for code in codes)


def test_the_page_reveal_beyond_the_limit_says_when_and_shows_nothing(delivered, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "store_reveal_account": (1, 3600)}
    shopper, order, item, codes = delivered
    client = Client()
    client.force_login(shopper)
    client.post(_page_url(order, item))

    refused = client.post(_page_url(order, item))

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Too many reveal attempts. Please wait" in html
    assert not any(code in html for code in codes)
    assert set(Code.objects.values_list("reveal_count", flat=True)) == {1}
