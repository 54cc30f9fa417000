import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.models import AuditLog, UserKyc

from .factories import PASSWORD, KycFactory, UserFactory

pytestmark = pytest.mark.django_db

PLAINTEXTS = {
    "account_number": "000123456789",
    "ifsc_or_iban": "DE89370400440532013000",
    "upi_id": "shopper@okbank",
    "tax_id": "ABCDE1234F",
    "address_line1": "221B Baker Street",
}


def _raw_columns(kyc) -> dict[str, str]:
    columns = ", ".join(PLAINTEXTS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM accounts_userkyc WHERE id = %s", [kyc.pk])  # noqa: S608
        return dict(zip(PLAINTEXTS, cursor.fetchone(), strict=True))


def test_raw_columns_hold_no_plaintext_and_values_read_back():
    kyc = KycFactory(**PLAINTEXTS)

    raw = _raw_columns(kyc)

    for name, plaintext in PLAINTEXTS.items():
        assert plaintext not in raw[name]
        assert plaintext[-4:] not in raw[name]
        assert raw[name].startswith("gAAAAA")  # a Fernet token
    fresh = UserKyc.objects.get(pk=kyc.pk)
    assert {name: getattr(fresh, name) for name in PLAINTEXTS} == PLAINTEXTS


def test_rows_still_read_after_a_new_key_is_put_first(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    kyc = KycFactory(account_number="111122223333")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    assert UserKyc.objects.get(pk=kyc.pk).account_number == "111122223333"

    # New writes use the new key: readable with the new key alone.
    other = KycFactory(account_number="444455556666")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert UserKyc.objects.get(pk=other.pk).account_number == "444455556666"
    with pytest.raises(ImproperlyConfigured, match="could not be decrypted"):
        UserKyc.objects.get(pk=kyc.pk)


def test_rotate_command_moves_old_rows_to_the_new_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    kyc = KycFactory(account_number="111122223333", tax_id="ABCDE1234F", upi_id="")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)

    assert "accounts.UserKyc: re-encrypted 1 row(s)." in out.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    fresh = UserKyc.objects.get(pk=kyc.pk)
    assert (fresh.account_number, fresh.tax_id, fresh.upi_id) == ("111122223333", "ABCDE1234F", "")


def test_encrypted_columns_cannot_be_searched():
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(UserKyc.objects.filter(account_number="000123456789"))


def test_masked_shows_only_the_last_four():
    kyc = KycFactory(account_number="000123456789", address_line2="")

    masked = kyc.masked()

    assert masked["account_number"] == "••••6789"
    assert masked["tax_id"] == "••••234F"
    assert masked["address_line2"] == ""


def test_kyc_page_needs_the_password_and_never_echoes_secrets(client):
    user = UserFactory()
    client.force_login(user)
    data = {**PLAINTEXTS, "account_holder_name": "Kim Lee", "bank_name": "Demo Bank"}

    refused = client.post(reverse("accounts:kyc"), {**data, "current_password": "wrong"})
    assert refused.context["form"].errors["current_password"] == [
        "That is not your current password."
    ]
    assert UserKyc.objects.count() == 0

    client.post(reverse("accounts:kyc"), {**data, "current_password": PASSWORD})
    kyc = UserKyc.objects.get(user=user)
    assert kyc.status == UserKyc.Status.PENDING
    assert kyc.account_number == "000123456789"

    page = client.get(reverse("accounts:kyc")).content.decode()
    for plaintext in PLAINTEXTS.values():
        assert plaintext not in page
    assert "••••6789 (unchanged)" in page


def test_resubmitting_with_blank_secrets_keeps_them_and_goes_back_to_review(client):
    kyc = KycFactory(status=UserKyc.Status.VERIFIED)
    client.force_login(kyc.user)

    client.post(
        reverse("accounts:kyc"),
        {
            "account_holder_name": "New Holder",
            "bank_name": kyc.bank_name,
            "city": "Leeds",
            "country": "gb",
            "current_password": PASSWORD,
        },
    )

    kyc.refresh_from_db()
    assert kyc.account_number == "000123456789"
    assert kyc.account_holder_name == "New Holder"
    assert kyc.city == "Leeds"
    assert kyc.country == "GB"
    assert kyc.status == UserKyc.Status.PENDING
    submit = AuditLog.objects.get(action="kyc.submit")
    assert submit.metadata == {"fields": ["account_holder_name", "city"]}


def test_the_kyc_password_recheck_is_rate_limited_and_audited(client):
    """The KYC page holds the bank account bank payouts go to: its password re-check is
    the same limited, audited one as new payout details (issue 10, point 6)."""
    user = UserFactory()
    client.force_login(user)
    data = {**PLAINTEXTS, "account_holder_name": "Kim Lee", "bank_name": "Demo Bank"}

    for attempt in range(5):
        client.post(reverse("accounts:kyc"), {**data, "current_password": f"guess-{attempt}"})
    right = client.post(reverse("accounts:kyc"), {**data, "current_password": PASSWORD})

    assert (
        right.context["form"]
        .errors["current_password"][0]
        .startswith("Too many password attempts.")
    )
    assert UserKyc.objects.count() == 0
    assert AuditLog.objects.filter(actor=user, action="reauth.wrong_password").count() == 5
    assert AuditLog.objects.filter(actor=user, action="reauth.throttled").count() == 1


def test_new_bank_details_on_the_kyc_page_are_told_by_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    kyc = KycFactory(status=UserKyc.Status.VERIFIED)
    client.force_login(kyc.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:kyc"),
            {
                "account_holder_name": kyc.account_holder_name,
                "bank_name": kyc.bank_name,
                "account_number": "999988887777",
                "city": kyc.city,
                "country": "GB",
                "current_password": PASSWORD,
            },
        )

    kyc.refresh_from_db()
    assert kyc.account_number == "999988887777"
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([kyc.user.email], "Your SaveBucks payout details changed")
    ]
