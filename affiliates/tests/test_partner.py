import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import SuperuserFactory, UserFactory
from affiliates.models import Partner

pytestmark = pytest.mark.django_db


def test_payout_details_and_tax_id_are_encrypted_at_rest_and_hidden_in_admin(client):
    partner = Partner.objects.create(
        user=UserFactory(),
        name="Pat",
        payout_details="IBAN GB29NWBK60161331926819",
        tax_id="TAX-998877",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT payout_details, tax_id FROM affiliates_partner WHERE id = %s", [partner.pk]
        )
        raw = " ".join(cursor.fetchone())
    client.force_login(SuperuserFactory())

    page = client.get(
        reverse("admin:affiliates_partner_change", args=[partner.pk])
    ).content.decode()

    assert "GB29NWBK" not in raw and "998877" not in raw
    assert Partner.objects.get(pk=partner.pk).tax_id == "TAX-998877"
    assert "GB29NWBK" not in page and "998877" not in page
    assert partner.status == Partner.Status.PENDING
