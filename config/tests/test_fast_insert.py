"""insert_row writes what the ORM would: each value prepared by its own field."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from affiliates.models import PartnerPostback
from affiliates.tests.factories import PartnerFactory
from config.fast_insert import insert_instance, insert_row
from offers.tests.factories import MerchantFactory
from tracking.models import Click

pytestmark = pytest.mark.django_db


def test_a_row_written_raw_reads_back_as_the_orm_wrote_it():
    merchant = MerchantFactory()
    click_id, now = uuid.uuid4(), timezone.now()
    rates = [{"code": "laptops", "value": "8", "from": None, "until": "2026-12-31"}]

    insert_row(
        Click,
        {
            "click_id": click_id,
            "merchant": merchant.pk,
            "cashback_type": "percentage",
            "cashback_value": Decimal("7.5"),
            "rates": rates,
            "ip": "2001:db8::1",
        },
    )

    click = Click.objects.get(click_id=click_id)
    assert (click.merchant, click.cashback_value, click.cashback_max) == (
        merchant,
        Decimal("7.5"),
        None,
    )
    assert (click.rates, click.ip, click.user_agent) == (rates, "2001:db8::1", "")
    assert click.cashback_share == Decimal("50")  # the field's default
    assert abs((click.created_at - now).total_seconds()) < 5  # auto_now_add: now


def test_a_field_that_prepares_its_own_values_still_prepares_them():
    """EncryptedTextField is a TextField whose stored value is ciphertext: a plain string
    must not pass through it unencrypted."""
    hook = PartnerPostback(
        partner=PartnerFactory(), url="https://partner.example/hook", signing_secret="s3cret-value"
    )
    assert insert_instance(hook)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT signing_secret FROM affiliates_partnerpostback WHERE id = %s", [hook.pk]
        )
        stored = cursor.fetchone()[0]
    assert "s3cret-value" not in stored
    assert PartnerPostback.objects.get(pk=hook.pk).signing_secret == "s3cret-value"
