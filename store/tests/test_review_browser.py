"""Review "rbrowser": what a shopper tripped on walking the demo in a browser."""

from decimal import Decimal

import pytest
from django.test import Client

from store.models import GiftCard, Order, Payment
from store.tests.factories import (
    ProductFactory,
    SaveBucksProductFactory,
    ShopperFactory,
    VariantFactory,
    add_codes,
    funded_shopper,
)
from store.tests.factories_shop import range_variant

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_round_percentages_read_as_numbers_not_exponents():
    """The demo's SaveBucks card read "Any value from USD 5.00 to 200.00 (1E+2% of the
    value)": Decimal("100.0000").normalize() is 1E+2. A 10% cashback read "1E+1%"."""
    product = SaveBucksProductFactory(slug="sb-card", cashback_percent=Decimal("10.0000"))
    range_variant(product, "5.00", "200.00", "100.0000")
    client = _client(ShopperFactory())

    detail = client.get("/gift-cards/sb-card/").content.decode()
    listing = client.get("/gift-cards/").content.decode()

    assert "E+" not in detail and "E+" not in listing
    assert "(100% of the value)" in detail  # the buy form's choice
    assert "100% of the value</td>" in detail  # the variants table
    assert "10% cashback" in detail and "10% cashback" in listing


def test_after_a_failed_card_payment_the_order_page_offers_to_pay_again(
    settings, django_capture_on_commit_callbacks
):
    """On the demo, "Fail" on the fake pay page left the order "Awaiting payment" with no
    Pay button and no word of the failure: only "Cancel order". The order stays open for
    another attempt, so its page says what happened and links to the checkout again."""
    settings.DEBUG = True
    settings.STORE_GATEWAYS = ["fake"]
    shopper = ShopperFactory()
    variant = VariantFactory(product=ProductFactory(slug="acme"))
    add_codes(variant, 1)
    client = _client(shopper)
    form = client.get("/gift-cards/acme/").context["form"]
    client.post(
        "/gift-cards/acme/",
        {
            "variant": variant.pk,
            "quantity": 1,
            "payment": "gateway",
            "gateway": "fake",
            "idempotency_key": form["idempotency_key"].value(),
        },
    )
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)

    client.post(payment.checkout_url.removeprefix(settings.SITE_URL), {"action": "fail"})

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == (Order.Status.PENDING, Payment.Status.FAILED)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Your last payment did not go through." in page
    assert f'href="{payment.checkout_url}" data-test="pay"' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(payment.checkout_url.removeprefix(settings.SITE_URL), {"action": "pay"})

    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED


def test_the_recipient_of_a_savebucks_card_is_told_where_to_redeem_it(
    django_capture_on_commit_callbacks, mailoutbox
):
    """On the demo, a card bought for friend@savebucks.test sent one email, to the buyer:
    the friend never learnt a card waited under "Gift cards sent to you". The recipient
    gets an email naming the sender, the value, the message and the redeem page, and
    never the code."""
    shopper = funded_shopper("30.00", email="buyer@example.com")
    shopper.first_name, shopper.last_name = "Dana", "Buyer"
    shopper.save(update_fields=["first_name", "last_name"])
    variant = VariantFactory(product=SaveBucksProductFactory(slug="sb"))
    client = _client(shopper)
    form = client.get("/gift-cards/sb/").context["form"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/gift-cards/sb/",
            {
                "variant": variant.pk,
                "quantity": 1,
                "payment": "wallet",
                "recipient_email": "friend@example.com",
                "message": "Happy birthday",
                "idempotency_key": form["idempotency_key"].value(),
            },
        )

    card = GiftCard.objects.get()
    sent = [m for m in mailoutbox if m.to == ["friend@example.com"]]
    assert len(sent) == 1
    body = sent[0].body
    assert "Dana Buyer sent you" in sent[0].subject
    assert f"gift card of USD {variant.denomination}" in body
    assert "Happy birthday" in body
    assert "/gift-cards/redeem/" in body
    assert card.code not in body and card.code not in sent[0].subject


def test_an_unverified_shopper_is_offered_the_verification_link_where_it_blocks_them():
    """Buying and redeeming need a verified email; the product page said nothing until
    the buy was refused, and the redeem page said "Verify your email address" with no
    way to do it: both now offer to resend the link, as the dashboard does."""
    shopper = ShopperFactory(email_verified_at=None)
    variant = VariantFactory(product=ProductFactory(slug="acme"))
    add_codes(variant, 1)
    client = _client(shopper)
    resend = 'action="/accounts/verify/resend/"'

    product = client.get("/gift-cards/acme/").content.decode()
    redeem = client.get("/gift-cards/redeem/").content.decode()

    assert resend in product and 'data-test="verify-email"' in product
    assert resend in redeem and 'data-test="verify-email"' in redeem
    verified = _client(ShopperFactory()).get("/gift-cards/acme/").content.decode()
    assert 'data-test="verify-email"' not in verified
