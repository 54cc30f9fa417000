"""Low-stock alerts: one email per dip to the staff who import codes, sent after the
placement or fulfilment that caused it; never for cards we issue ourselves."""

import pytest
from django.utils import timezone

from config.testing import race
from store.models import Variant
from store.services.stock_alerts import low_stock_check, stock_recipients

from .factories import SaveBucksProductFactory, VariantFactory, add_codes, funded_shopper
from .factories_ops import csv_text, csv_upload, staff, wallet_order

pytestmark = pytest.mark.django_db


def _alerts(outbox):
    return [m for m in outbox if m.subject.startswith("Low stock")]


@pytest.fixture
def importers():
    finance, admin = staff("Finance"), staff("superuser")
    staff("Support agent"), staff("Content editor")  # neither imports codes
    return sorted([finance.email, admin.email])


def test_recipients_are_active_staff_holding_add_code(importers):
    gone = staff("Finance")
    type(gone).objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    assert stock_recipients() == importers


def test_a_dip_to_the_threshold_emails_once_and_never_names_a_code(
    importers, mailoutbox, django_capture_on_commit_callbacks
):
    variant = VariantFactory(low_stock_threshold=2)
    codes = add_codes(variant, 4, prefix="ALERTCODE")
    shopper = funded_shopper("100.00")

    with django_capture_on_commit_callbacks(execute=True):
        wallet_order(shopper, variant, key="a")  # 3 left: above the threshold
    assert _alerts(mailoutbox) == []

    with django_capture_on_commit_callbacks(execute=True):
        wallet_order(shopper, variant, key="b")  # 2 left: at the threshold
    variant.refresh_from_db()
    assert variant.low_stock_alerted_at is not None
    assert sorted(m.to[0] for m in _alerts(mailoutbox)) == importers
    message = _alerts(mailoutbox)[0]
    assert message.subject == f"Low stock: {variant.product.name} USD 10.00 has 2 codes left"
    assert f"/admin/store/code/import/{variant.pk}/" in message.body
    for code in codes:
        assert code not in message.body and code not in message.subject

    with django_capture_on_commit_callbacks(execute=True):
        wallet_order(shopper, variant, key="c")  # 1 left: same dip, no second email
    assert len(_alerts(mailoutbox)) == 2


def test_an_import_rearms_it_for_the_next_dip(
    importers, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.models import User
    from store.services.code_import import codes_import_csv

    variant = VariantFactory(low_stock_threshold=1)
    add_codes(variant, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert low_stock_check([variant.pk]) == 1
        assert low_stock_check([variant.pk]) == 0
        codes_import_csv(
            variant=variant,
            file=csv_upload(csv_text([("REFILL-0001", "", ""), ("REFILL-0002", "", "")])),
            actor=User.objects.get(email=importers[0]),
        )
    variant.refresh_from_db()
    assert variant.low_stock_alerted_at is None
    Variant.objects.filter(pk=variant.pk).update(low_stock_threshold=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert low_stock_check([variant.pk]) == 1
    assert len(_alerts(mailoutbox)) == 2 * len(importers)


def test_issued_cards_never_alert(importers, mailoutbox):
    variant = VariantFactory(product=SaveBucksProductFactory(), low_stock_threshold=5)
    assert low_stock_check([variant.pk]) == 0
    variant.refresh_from_db()
    assert variant.low_stock_alerted_at is None and mailoutbox == []


def test_nothing_low_costs_one_query(django_assert_num_queries):
    variants = [VariantFactory(low_stock_threshold=1) for _ in range(3)]
    for variant in variants:
        add_codes(variant, 5)
    with django_assert_num_queries(1):
        assert low_stock_check([v.pk for v in variants]) == 0


def test_a_failed_check_never_undoes_the_sale(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from store.services import stock_alerts

    def broken(ids):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(stock_alerts, "low_stock_check", broken)
    variant = VariantFactory()
    add_codes(variant, 1)
    with django_capture_on_commit_callbacks(execute=True):
        order = wallet_order(funded_shopper("20.00"), variant, key="x")
    order.refresh_from_db()
    assert order.status == "fulfilled"
    assert "low-stock check failed" in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_send_one_alert(mailoutbox):
    finance = staff("Finance")
    variant = VariantFactory(low_stock_threshold=3)
    add_codes(variant, 2)

    results = race(8, lambda i: low_stock_check([variant.pk]))

    assert sorted(results) == [0] * 7 + [1]
    assert [m.to for m in mailoutbox] == [[email] for email in stock_recipients()]
    assert finance.email in stock_recipients()
