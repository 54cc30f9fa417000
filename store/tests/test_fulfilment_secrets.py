"""Codes and PINs are bearer secrets: the whole flow (orders placed by wallet and card,
pool codes, supplier codes bought through a timeout and a retry, delivery, a supplier that
gives up, Finance's refund, a cancel) runs with every logger at DEBUG (SQL included) and
the outbox kept, and no code or PIN appears in any log line, email, audit entry, history
reason or stored error."""

import logging
from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import AuditLog, StatusChange
from store.models import Code, Refund, SupplierOrder
from store.services.codes import code_digest, last4
from store.services.fulfilment import order_fulfil
from store.services.refunds import order_cancel, order_refund
from store.tests.factories import VariantFactory, funded_shopper
from store.tests.factories_fulfil import (
    finance_staff,
    gateway_on,
    pay,
    place,
    savebucks_variant,
    supplier_variant,
)
from store.tests.fake_supplier import fake_supplier

pytestmark = pytest.mark.django_db
D = Decimal


def _pool(variant, n):
    codes = [(f"POOLSECRET{variant.pk:03d}{i:05d}Z", f"PINX{variant.pk:02d}{i}Q") for i in range(n)]
    for code, pin in codes:
        Code.objects.create(
            variant=variant, code=code, pin=pin, last4=last4(code), digest=code_digest(code)
        )
    return codes


def _every_logger_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


def test_no_code_or_pin_reaches_a_log_an_email_or_an_audit_entry(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.STORE_SUPPLIER_MAX_ATTEMPTS = 2
    gateway_on(settings)  # DEBUG on: the SQL of every statement is logged too
    _every_logger_at_debug(caplog)
    shopper = funded_shopper("200.00")
    pool = VariantFactory(denomination=D("10.00"))
    secrets = _pool(pool, 4)
    supplied = supplier_variant(denomination=D("20.00"))
    gift = savebucks_variant(denomination=D("15.00"))

    with fake_supplier(settings, slow_places=1) as fake:
        with django_capture_on_commit_callbacks(execute=True):
            wallet_order = place(shopper, [(pool, 2), (gift, 1)], key="w")
        with django_capture_on_commit_callbacks(execute=True):
            card_order = place(shopper, [(pool, 1), (supplied, 2)], payment="gateway", key="g")
        with django_capture_on_commit_callbacks(execute=True):
            pay(card_order)  # the supplier's answer times out: paid, waiting
        with django_capture_on_commit_callbacks(execute=True):
            assert order_fulfil(card_order.pk) == "fulfilled"
        fake.errors = 5
        with django_capture_on_commit_callbacks(execute=True):
            doomed = place(shopper, [(supplied, 1)], key="d")
        with django_capture_on_commit_callbacks(execute=True):
            order_fulfil(doomed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = place(shopper, [(pool, 1)], key="c")
        order_cancel(order=cancelled, user=shopper)
    finance = finance_staff()
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=wallet_order, actor=finance, reason="Customer asked")
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=card_order, actor=finance, reason="Brand issue")

    # The flow did what it should, so the scan below covers real work.
    secrets += [(c, p) for c, p in zip(fake.all_codes(), fake.all_pins(), strict=True)]
    secrets += [
        (card.code, "") for card in wallet_order.items.get(kind="savebucks").gift_cards.all()
    ]
    assert Code.objects.filter(supplier_order__isnull=False).count() == 2
    assert SupplierOrder.objects.filter(status="failed").count() == 1
    assert Refund.objects.count() == 2 + 0  # the two refunds; the doomed order had no card
    assert len(mail.outbox) == 2
    assert any(r.levelno == logging.WARNING and "SB-OI" in r.getMessage() for r in caplog.records)
    assert any(r.name == "django.db.backends" for r in caplog.records)

    texts = [caplog.text]
    texts += [r.getMessage() + repr(r.args) for r in caplog.records]
    texts += [m.subject + m.body + repr(m.alternatives) for m in mail.outbox]
    texts += [repr(a.metadata) for a in AuditLog.objects.all()]
    texts += list(StatusChange.objects.values_list("reason", flat=True))
    texts += list(SupplierOrder.objects.values_list("last_error", flat=True))
    texts += list(Refund.objects.values_list("reason", "last_error"))
    texts += [repr(c) + str(c) for c in Code.objects.all()]
    haystack = "\n".join(map(str, texts))
    for code, pin in secrets:
        assert code not in haystack
        assert code.replace("-", "") not in haystack
        if pin:
            assert pin not in haystack
