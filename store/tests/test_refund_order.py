"""Finance's refund of a delivered order: unrevealed codes voided and unredeemed cards
disabled, exactly their prices back (wallet first, then the card), the cashback of that
part taken back, audited with last four characters only; refused with nothing changed for
the wrong role, one's own order, an undelivered order, or nothing left to refund."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditLog, StatusChange, User
from accounts.services.own_account import OwnAccountRefused
from config.errors import Forbidden
from store.models import Code, GiftCard, Order, OrderItem, Refund
from store.services.cashback import confirm_store_cashback
from store.services.errors import OrderConflict, StoreRefused
from store.services.giftcards import gift_card_redeem
from store.services.refunds import NothingToRefund, order_refund
from store.tests.factories import ProductFactory, VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import (
    finance_staff,
    gateway_on,
    pay,
    place,
    reveal,
    savebucks_variant,
    staff_in,
)
from wallet.models import Account, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.ledger import platform_account
from wallet.tests.factories import balances, give_available

pytestmark = pytest.mark.django_db
D = Decimal


def _balances(available, pending="0.00", hold="0.00"):
    return {"available": D(available), "pending": D(pending), "hold": D(hold)}


def _platform(kind):
    key = platform_account(kind)
    row = Account.objects.filter(owner=None, kind=key.kind, currency=key.currency).first()
    return row.balance if row else D("0.00")


def _delivered(capture, shopper, lines, **kwargs) -> Order:
    with capture(execute=True):
        order = place(shopper, lines, **kwargs)
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    return order


def test_a_wallet_order_refunded_whole_restores_the_balance_exactly(
    django_capture_on_commit_callbacks,
):
    shopper = funded_shopper("50.00")
    variant = VariantFactory(
        product=ProductFactory(cashback_percent=D("5.0000")), denomination=D("10.00")
    )
    codes = add_codes(variant, 2)
    order = _delivered(django_capture_on_commit_callbacks, shopper, [(variant, 2)])
    assert balances(shopper) == _balances("30.00", pending="1.00")
    assert _platform(Account.Kind.STORE_SALES) == D("20.00")
    finance = finance_staff()

    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(order=order, actor=finance, reason="Brand closed")

    assert (refund.wallet_amount, refund.gateway_amount, refund.status, refund.payment) == (
        D("20.00"),
        D("0.00"),
        "done",
        None,
    )
    assert balances(shopper) == _balances("50.00")
    assert _platform(Account.Kind.STORE_SALES) == D("0.00")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("refunded", D("20.00"))
    assert (order.cashback_status, order.cashback_amount) == ("reversed", D("0.00"))
    assert set(order.items.values_list("status", flat=True)) == {OrderItem.Status.REFUNDED}
    assert sorted(Code.objects.values_list("status", flat=True)) == ["void", "void"]
    key = f"store-refund:{refund.pk}"
    kinds = dict(
        Transaction.objects.filter(reference=order.ledger_reference).values_list(
            "idempotency_key", "kind"
        )
    )
    assert (kinds[key], kinds[f"{key}:cashback"]) == ("store.refund", "store.cashback_reverse")
    assert StatusChange.objects.filter(object_id=order.pk, to_status="refunded").count() == 1
    log = AuditLog.objects.get(action="store.order_refund")
    assert (log.actor, log.entity_id) == (finance, str(order.pk))
    assert log.metadata["amount"] == "20.00" and log.metadata["reason"] == "Brand closed"
    assert sorted(log.metadata["voided_codes"]) == sorted(c[-4:] for c in codes)
    assert not any(code in str(log.metadata) for code in codes)
    assert wallet_audit() == []


def test_a_mixed_order_is_refunded_wallet_first_then_to_the_card(
    settings, django_capture_on_commit_callbacks
):
    gateway_on(settings)
    shopper = funded_shopper("4.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 3)
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shopper, [(variant, 3)], payment="mixed")
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    order.refresh_from_db()
    assert (order.status, order.wallet_used, order.gateway_amount) == (
        "fulfilled",
        D("4.00"),
        D("26.00"),
    )
    assert balances(shopper) == _balances("0.00")
    finance = finance_staff()
    reveal(Code.objects.filter(order_item__order=order).order_by("pk").last())

    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(order=order, actor=finance, reason="Wrong brand")

    refund.refresh_from_db()
    assert (refund.wallet_amount, refund.gateway_amount, refund.status) == (
        D("4.00"),
        D("16.00"),
        "done",
    )
    assert refund.provider_refund_id == f"fake_refund_store-refund-{refund.pk}"
    payment = order.payments.get()
    assert (payment.status, payment.refunded_amount) == ("captured", D("16.00"))
    assert balances(shopper) == _balances("4.00")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("fulfilled", D("20.00"))
    assert list(Code.objects.order_by("pk").values_list("status", flat=True)) == [
        "void",
        "void",
        "sold",
    ]
    assert order.items.get().status == OrderItem.Status.DELIVERED
    # The gateway owed us 26.00 at capture; 16.00 of it went back to the card.
    assert _platform(Account.Kind.GATEWAY_CLEARING) == D("-10.00")
    assert _platform(Account.Kind.STORE_SALES) == D("10.00")
    assert wallet_audit() == []

    # The revealed code is the shopper's: a second refund has nothing to give back.
    before = (balances(shopper), Transaction.objects.count(), Refund.objects.count())
    with pytest.raises(NothingToRefund) as refused:
        order_refund(order=order, actor=finance, reason="Again")
    assert (refused.value.code, refused.value.http_status) == ("nothing_to_refund", 409)
    assert "revealed codes" in refused.value.detail
    assert (balances(shopper), Transaction.objects.count(), Refund.objects.count()) == before


def test_a_second_refund_gives_back_only_what_the_first_left(django_capture_on_commit_callbacks):
    shopper = funded_shopper("50.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 3)
    order = _delivered(django_capture_on_commit_callbacks, shopper, [(variant, 3)])
    finance = finance_staff()
    codes = list(Code.objects.filter(order_item__order=order).order_by("pk"))
    # The first refund happens while two codes are unrevealed and one revealed…
    reveal(codes[0])
    first = order_refund(order=order, actor=finance, reason="Partial")
    assert first.wallet_amount == D("20.00")
    assert balances(shopper) == _balances("40.00")
    # …and a later one finds nothing: voided codes are not refunded twice.
    with pytest.raises(NothingToRefund):
        order_refund(order=order, actor=finance, reason="Again")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("fulfilled", D("20.00"))
    assert balances(shopper) == _balances("40.00")
    assert wallet_audit() == []


def test_savebucks_cards_unredeemed_are_disabled_and_refunded_redeemed_ones_kept(
    django_capture_on_commit_callbacks,
):
    buyer = funded_shopper("100.00")
    friend = funded_shopper("0.00")
    variant = savebucks_variant(denomination=D("25.00"))
    order = _delivered(django_capture_on_commit_callbacks, buyer, [(variant, 2)])
    assert _platform(Account.Kind.GIFT_CARD_LIABILITY) == D("50.00")
    redeemed, unused = GiftCard.objects.filter(order_item__order=order).order_by("sequence")
    gift_card_redeem(user=friend, code=redeemed.code)

    refund = order_refund(order=order, actor=finance_staff(), reason="Buyer changed mind")

    assert refund.wallet_amount == D("25.00")
    assert balances(buyer) == _balances("75.00")
    assert balances(friend) == _balances("25.00")
    unused.refresh_from_db()
    redeemed.refresh_from_db()
    assert (unused.status, redeemed.status) == ("disabled", "redeemed")
    assert unused.disabled_reason == "Order refunded: Buyer changed mind"
    assert _platform(Account.Kind.GIFT_CARD_LIABILITY) == D("0.00")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("fulfilled", D("25.00"))
    log = AuditLog.objects.get(action="store.order_refund")
    assert log.metadata["disabled_cards"] == [unused.last4]
    assert log.metadata["not_refundable"] == [redeemed.last4]
    assert wallet_audit() == []


def test_pending_cashback_of_a_partial_refund_is_reversed_in_proportion_then_the_rest_confirms(
    django_capture_on_commit_callbacks,
):
    shopper = funded_shopper("50.00")
    variant = VariantFactory(
        product=ProductFactory(cashback_percent=D("5.0000")), denomination=D("10.00")
    )
    add_codes(variant, 3)
    order = _delivered(django_capture_on_commit_callbacks, shopper, [(variant, 3)])
    assert (order.cashback_amount, order.cashback_status) == (D("1.50"), "pending")
    reveal(Code.objects.filter(order_item__order=order).first())

    refund = order_refund(order=order, actor=finance_staff(), reason="Partial")

    assert refund.wallet_amount == D("20.00")
    assert balances(shopper) == _balances("40.00", pending="0.50")
    order.refresh_from_db()
    assert (order.cashback_amount, order.cashback_status) == (D("0.50"), "pending")
    Order.objects.filter(pk=order.pk).update(cashback_confirm_after=timezone.now())
    assert confirm_store_cashback() == 1
    assert balances(shopper) == _balances("40.50")
    assert wallet_audit() == []


def test_confirmed_cashback_is_taken_back_from_available_on_a_whole_refund(
    django_capture_on_commit_callbacks,
):
    shopper = funded_shopper("10.00")
    variant = VariantFactory(
        product=ProductFactory(cashback_percent=D("10.0000")), denomination=D("10.00")
    )
    add_codes(variant, 1)
    order = _delivered(django_capture_on_commit_callbacks, shopper, [(variant, 1)])
    Order.objects.filter(pk=order.pk).update(
        cashback_confirm_after=timezone.now() - timedelta(seconds=1)
    )
    assert confirm_store_cashback() == 1
    assert balances(shopper) == _balances("1.00")

    order_refund(order=order, actor=finance_staff(), reason="Whole")

    assert balances(shopper) == _balances("10.00")
    order.refresh_from_db()
    assert (order.status, order.cashback_status, order.cashback_amount) == (
        "refunded",
        "reversed",
        D("0.00"),
    )
    assert wallet_audit() == []


def _refused_changes_nothing(order, shopper, call, error, code):
    before = (
        balances(shopper),
        list(Code.objects.order_by("pk").values_list("status", flat=True)),
        Transaction.objects.count(),
        Refund.objects.count(),
        AuditLog.objects.filter(action="store.order_refund").count(),
    )
    with pytest.raises(error) as refused:
        call()
    assert refused.value.code == code
    after = (
        balances(shopper),
        list(Code.objects.order_by("pk").values_list("status", flat=True)),
        Transaction.objects.count(),
        Refund.objects.count(),
        AuditLog.objects.filter(action="store.order_refund").count(),
    )
    assert after == before
    status = order.status
    order.refresh_from_db()
    assert order.status == status
    return refused.value


def test_refusals_change_nothing(django_capture_on_commit_callbacks):
    shopper = funded_shopper("50.00")
    variant = VariantFactory()
    add_codes(variant, 2)
    order = _delivered(django_capture_on_commit_callbacks, shopper, [(variant, 1)])
    undelivered = place(shopper, [(variant, 1)], key="k2")
    finance = finance_staff()

    refused = _refused_changes_nothing(
        order,
        shopper,
        lambda: order_refund(order=order, actor=staff_in("Support agent"), reason="x"),
        Forbidden,
        "not_allowed",
    )
    assert refused.http_status == 403
    _refused_changes_nothing(
        order,
        shopper,
        lambda: order_refund(order=order, actor=finance, reason="  "),
        StoreRefused,
        "reason_required",
    )
    refused = _refused_changes_nothing(
        undelivered,
        shopper,
        lambda: order_refund(order=undelivered, actor=finance, reason="x"),
        OrderConflict,
        "invalid_status",
    )
    assert refused.http_status == 409


def test_finance_cannot_refund_their_own_order(django_capture_on_commit_callbacks):
    finance = finance_staff()
    User.objects.filter(pk=finance.pk).update(date_joined=timezone.now() - timedelta(days=90))
    finance.refresh_from_db()
    give_available(finance, "20.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    order = _delivered(django_capture_on_commit_callbacks, finance, [(variant, 1)])

    refused = _refused_changes_nothing(
        order,
        finance,
        lambda: order_refund(order=order, actor=finance, reason="mine"),
        OwnAccountRefused,
        "own_account",
    )
    assert refused.http_status == 403
