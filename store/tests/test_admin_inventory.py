"""Codes and their import through the admin, as each role. The code and PIN are nowhere:
not in the list, the change page, search, or the import's error page."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from store.models import Code, CodeImport

from .factories import SaveBucksProductFactory, VariantFactory, add_codes, funded_shopper
from .factories_ops import csv_text, csv_upload, login, wallet_order

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:store_code_changelist"


def _import(client, variant, text):
    return client.post(
        reverse("admin:store_code_import", args=[variant.pk]), {"file": csv_upload(text)}
    )


def test_finance_lists_codes_by_last4_status_variant_expiry_and_order(
    client, django_capture_on_commit_callbacks
):
    login(client, "Finance")
    variant = VariantFactory()
    codes = add_codes(variant, 3, prefix="LISTCODE")
    with django_capture_on_commit_callbacks(execute=True):
        order = wallet_order(funded_shopper("20.00"), variant, key="k")
    order.refresh_from_db()

    page = client.get(reverse(CHANGELIST))
    body = page.content.decode()

    assert page.status_code == 200
    assert body.count("••••") == 3
    assert order.number in body and str(variant) in body
    for code in codes:
        assert code not in body


def test_search_matches_the_last_four_only(client):
    login(client, "Finance")
    variant = VariantFactory()
    Code.objects.all().delete()
    [first, second] = add_codes(variant, 2, prefix="SRCHCODE")

    by_last4 = client.get(reverse(CHANGELIST), {"q": first[-4:].lower()})
    by_code = client.get(reverse(CHANGELIST), {"q": second})

    assert by_last4.context["cl"].result_count == 1
    assert by_code.context["cl"].result_count == 0


def test_the_change_page_is_read_only_without_the_code_and_nobody_adds_or_deletes(client):
    login(client, "superuser")
    variant = VariantFactory()
    [code] = add_codes(variant, 1, prefix="PAGECODE")
    row = Code.objects.get()
    url = reverse("admin:store_code_change", args=[row.pk])

    page = client.get(url)
    history = client.get(reverse("admin:store_code_history", args=[row.pk]))

    assert page.status_code == 200 and history.status_code == 200
    body = page.content.decode()
    assert code not in body and "1234" not in body  # add_codes gives PIN 1234
    assert 'name="code"' not in body and 'name="pin"' not in body
    assert f"••••{row.last4}" in body
    assert code not in history.content.decode()
    assert client.post(url, {"status": "void"}).status_code == 403
    assert client.get(reverse("admin:store_code_add")).status_code == 403
    assert client.get(reverse("admin:store_code_delete", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.status == "available"


@pytest.mark.parametrize("role", ["Content editor", "Support agent"])
def test_roles_without_add_code_cannot_see_codes_or_import(client, role):
    login(client, role)
    variant = VariantFactory()
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:store_code_import", args=[variant.pk])).status_code == 403
    assert _import(client, variant, csv_text([("FORGED-0001", "", "")])).status_code == 403
    assert Code.objects.count() == 0 and CodeImport.objects.count() == 0


@pytest.mark.parametrize("role", ["Finance", "superuser"])
def test_an_import_through_the_admin(client, role):
    staff = login(client, role)
    variant = VariantFactory()
    assert client.get(reverse("admin:store_code_import", args=[variant.pk])).status_code == 200

    response = _import(
        client, variant, csv_text([("ADMIN-IMPORT-01", "55", ""), ("ADMIN-IMPORT-02", "", "")])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:store_variant_changelist")
    assert Code.objects.filter(variant=variant, status="available").count() == 2
    [batch] = CodeImport.objects.all()
    assert (batch.actor, batch.imported) == (staff, 2)
    assert AuditLog.objects.filter(action="store.codes_import", actor=staff).count() == 1


def test_the_error_page_lists_rows_and_never_echoes_a_code(client):
    login(client, "Finance")
    variant = VariantFactory()
    text = csv_text(
        [
            ("ECHO-SECRET-0001", "PIN-SECRET-9", ""),
            ("ECHO-SECRET-0001", "PIN-SECRET-8", ""),
            ("", "PIN-SECRET-7", ""),
            ("ECHO-SECRET-0002", "PIN-SECRET-6", "tomorrow"),
        ]
    )

    response = _import(client, variant, text)

    body = response.content.decode()
    assert response.status_code == 400
    assert "Nothing imported: 3 row(s) refused." in body
    assert "row 3: duplicate of row 2" in body
    assert "row 4: blank code" in body
    assert "row 5: bad date in expires_on (use YYYY-MM-DD)" in body
    assert "SECRET" not in body and "tomorrow" not in body
    assert Code.objects.count() == 0 and CodeImport.objects.count() == 0


def test_the_import_page_refuses_an_issued_product_and_an_unknown_variant(client):
    login(client, "Finance")
    issued = VariantFactory(product=SaveBucksProductFactory())
    refused = _import(client, issued, csv_text([("ISSUED-0001", "", "")]))
    assert refused.status_code == 400
    assert "do not come from our inventory" in refused.content.decode()
    assert client.get(reverse("admin:store_code_import", args=[999999])).status_code == 404
    assert Code.objects.count() == 0


def test_the_variant_list_links_each_pooled_variant_to_its_import(client):
    login(client, "Finance")
    pooled = VariantFactory()
    issued = VariantFactory(product=SaveBucksProductFactory())
    body = client.get(reverse("admin:store_variant_changelist")).content.decode()
    assert reverse("admin:store_code_import", args=[pooled.pk]) in body
    assert reverse("admin:store_code_import", args=[issued.pk]) not in body
