"""Issue 17's acceptance on the demo data: the demo shopper buys a 10.00 voucher with the
wallet (available falls by exactly the total, the order is fulfilled, one code sold), buys
a SaveBucks gift card for the second demo shopper, who redeems it into their balance, and
the ledger audit holds. (The API and reveal steps are added on merge.)"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import User
from store.models import Code, GiftCard, Order, Product, Variant
from store.services.giftcards import gift_card_redeem
from store.services.order_place import ItemRequest, order_place
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(email="demo@savebucks.test")


def _variant(slug: str, denomination: str) -> Variant:
    return Variant.objects.get(product__slug=slug, denomination=D(denomination))


def test_issue_17_acceptance_on_the_demo(demo, django_capture_on_commit_callbacks):
    friend = User.objects.get(email="friend@savebucks.test")
    voucher = _variant("acme-electronics-gift-card", "10.00")
    before = balances(demo)
    assert before["available"] >= D("35.00")  # the demo balance covers both purchases
    assert Code.objects.filter(variant=voucher, status="available").count() == 20

    with django_capture_on_commit_callbacks(execute=True):
        order, created = order_place(
            user=demo,
            items=[ItemRequest(variant=voucher.pk, quantity=1)],
            payment="wallet",
            idempotency_key="demo-acceptance-voucher",
        )
    order.refresh_from_db()
    assert created
    assert (order.status, order.total, order.wallet_used) == ("fulfilled", D("10.00"), D("10.00"))
    assert balances(demo)["available"] == before["available"] - D("10.00")
    assert balances(demo)["hold"] == before["hold"]
    assert Code.objects.filter(order_item__order=order, status="sold").count() == 1
    assert Code.objects.filter(variant=voucher, status="available").count() == 19

    gift = _variant("savebucks-gift-card", "25.00")
    with django_capture_on_commit_callbacks(execute=True):
        gift_order, _ = order_place(
            user=demo,
            items=[ItemRequest(variant=gift.pk, quantity=1, recipient_email=friend.email)],
            payment="wallet",
            idempotency_key="demo-acceptance-gift",
        )
    gift_order.refresh_from_db()
    assert gift_order.status == Order.Status.FULFILLED
    assert balances(demo)["available"] == before["available"] - D("35.00")
    [card] = GiftCard.objects.filter(order_item__order=gift_order)
    assert (card.recipient_email, card.initial_value, card.status) == (
        friend.email,
        D("25.00"),
        "active",
    )

    friend_before = balances(friend)["available"]
    gift_card_redeem(user=friend, card=card)
    card.refresh_from_db()
    assert (card.status, card.remaining_value, card.redeemed_by) == ("redeemed", D("0.00"), friend)
    assert balances(friend)["available"] == friend_before + D("25.00")
    assert wallet_audit() == []


def test_the_demo_catalogue_is_what_the_issue_asks(demo):
    brands = Product.objects.filter(kind="voucher", source="pool").exclude(slug="limited-edition")
    assert brands.count() == 3
    for product in brands:
        fixed = sorted(product.variants.values_list("denomination", flat=True))
        assert fixed == [D("10.00"), D("25.00"), D("50.00")]
        for variant in product.variants.all():
            assert variant.codes.filter(status="available").count() == 20
    assert sorted(brands.values_list("cashback_percent", flat=True)) == [D("0"), D("0"), D("3")]
    [limited] = Variant.objects.filter(product__slug="limited-edition")
    assert (limited.denomination, limited.codes.count()) == (D("10.00"), 3)
    ours = Variant.objects.filter(product__slug="savebucks-gift-card")
    assert sorted((v.denomination, v.min_value, v.max_value) for v in ours if v.denomination) == [
        (D("10.00"), None, None),
        (D("25.00"), None, None),
        (D("50.00"), None, None),
    ]
    assert [(v.min_value, v.max_value) for v in ours if not v.denomination] == [
        (D("5.00"), D("200.00"))
    ]


def test_seeding_twice_changes_nothing(demo, django_capture_on_commit_callbacks):
    def snapshot():
        return (
            list(Product.objects.order_by("pk").values_list("slug", "is_active", "deleted_at")),
            list(Variant.objects.order_by("pk").values_list("pk", "denomination", "min_value")),
            list(Code.objects.order_by("pk").values_list("digest", "variant_id", "status")),
            list(User.objects.order_by("pk").values_list("email", "date_joined")),
        )

    first = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
