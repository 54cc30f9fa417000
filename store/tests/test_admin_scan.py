"""Codes are bearer secrets (issue 17): render every store admin page, with demo-like data
(imported codes with PINs, sold and reserved ones, SaveBucks gift cards, payments,
webhook events, refunds), plus the import page and its error page, the disable page, the
low-stock and delivery emails, the audit log and the logs, and find no code and no PIN."""

import logging
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import AuditLog
from store.models import Code, GiftCard, Payment, Refund, WebhookEvent

from .factories import ProductFactory, VariantFactory, funded_shopper
from .factories_ops import bought_gift_card, csv_text, csv_upload, login, staff, wallet_order

pytestmark = pytest.mark.django_db

D = Decimal


def _secrets() -> list[str]:
    found = []
    for code in Code.objects.all():
        found += [code.code, code.code.replace("-", "")]
        if code.pin:
            found.append(code.pin)
    for card in GiftCard.objects.all():
        found += [card.code, card.code.replace("-", ""), card.digest]
    return found


def _store_urls(client) -> list[str]:
    urls = []
    for model in admin.site._registry:
        if model._meta.app_label != "store":
            continue
        name = model._meta.model_name
        urls.append(reverse(f"admin:store_{name}_changelist"))
        for pk in model.objects.values_list("pk", flat=True)[:5]:
            urls.append(reverse(f"admin:store_{name}_change", args=[pk]))
            urls.append(reverse(f"admin:store_{name}_history", args=[pk]))
    return urls


@pytest.fixture
def shop(django_capture_on_commit_callbacks, client):
    from store.services.code_import import codes_import_csv

    finance = staff("Finance")
    variant = VariantFactory(product=ProductFactory(name="Scan Brand"), low_stock_threshold=3)
    rows = [(f"SCAN-7Q4K-ZX81-{i:04d}", f"PQ{i:03d}XZ", "") for i in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        codes_import_csv(variant=variant, file=csv_upload(csv_text(rows)), actor=finance)
    shopper = funded_shopper("100.00", email="scan-shopper@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order = wallet_order(shopper, variant, key="scan-1", quantity=2)  # sold
        wallet_order(shopper, variant, key="scan-2", quantity=2)  # low stock: alert
    card = bought_gift_card(
        shopper, django_capture_on_commit_callbacks, recipient_email="scan-friend@example.com"
    )
    payment = Payment.objects.create(
        order=order, provider="razorpay", amount=D("10.00"), currency="USD", status="captured"
    )
    WebhookEvent.objects.create(
        provider="razorpay",
        event_id="evt_scan",
        event_type="payment.captured",
        payment=payment,
        outcome="captured",
    )
    Refund.objects.create(
        order=order, payment=payment, gateway_amount=D("10.00"), reason="scan", status="failed"
    )
    return {"variant": variant, "card": card, "rows": rows}


def test_no_store_admin_page_shows_a_code_or_a_pin(client, shop, caplog, mailoutbox):
    caplog.set_level(logging.DEBUG)
    secrets = _secrets()
    assert len(secrets) >= 6 * 3 + 3  # every code, its compact form and its PIN; the card
    variant, card = shop["variant"], shop["card"]
    pages = {}

    login(client, "superuser")
    for url in _store_urls(client):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    import_url = reverse("admin:store_code_import", args=[variant.pk])
    pages[import_url] = client.get(import_url).content.decode()
    # The error page, for a file of codes we hold plus a duplicate and a blank one.
    refused_rows = [*shop["rows"][:2], shop["rows"][0], ("", "PQ999XZ", "")]
    error_page = client.post(import_url, {"file": csv_upload(csv_text(refused_rows))})
    assert error_page.status_code == 400
    pages["import error"] = error_page.content.decode()
    assert "row 2: already in stock" in pages["import error"]
    assert "row 4: duplicate of row 2" in pages["import error"]
    disable = client.post(
        reverse("admin:store_giftcard_changelist"),
        {"action": "disable", "_selected_action": [card.pk]},
    )
    pages["disable"] = disable.content.decode()
    search = client.get(reverse("admin:store_code_changelist"), {"q": shop["rows"][0][0][-4:]})
    pages["search"] = search.content.decode()

    assert len(pages) >= 25
    leaks = [
        (where, secret) for where, body in pages.items() for secret in secrets if secret in body
    ]
    assert leaks == []

    # Nor in what staff and shoppers were sent, the audit trail, or the logs.
    low_stock = [m for m in mailoutbox if m.subject.startswith("Low stock")]
    assert len(low_stock) == 1  # to the one importer (Finance) staff at that moment
    texts = [m.subject + m.body for m in mailoutbox]
    texts += [str(entry.metadata) for entry in AuditLog.objects.all()]
    texts += [entry.change_message + entry.object_repr for entry in LogEntry.objects.all()]
    texts.append(caplog.text)
    assert [s for s in secrets for text in texts if s in text] == []
