"""Issue 10, points 6, 7 and 18: partners go through the shoppers' gates (verified email,
KYC above the threshold), their payout details need a rate-limited password and are
told by email, and staff cannot approve their own partner's commission payout."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.models import AuditLog, User, UserKyc
from accounts.tests.factories import (
    PASSWORD,
    KycFactory,
    StaffFactory,
    UnverifiedUserFactory,
    UserFactory,
)
from affiliates.models import Conversion, Partner
from affiliates.services.partners import PartnerRefused, partner_apply
from affiliates.services.payouts import partner_payout_request
from wallet.models import Withdrawal

from .factories import PartnerFactory
from .test_payouts import _balances, _earn, _payable, _refused

pytestmark = pytest.mark.django_db

D = Decimal
SUBJECT = "Your SaveBucks payout details changed"


def test_an_unverified_user_cannot_apply_to_be_a_partner(client):
    user = UnverifiedUserFactory()

    with pytest.raises(PartnerRefused) as refused:
        partner_apply(user=user, name="Pat", traffic_sources="A blog")
    client.force_login(user)
    page = client.post(
        reverse("affiliates:apply"), {"name": "Pat", "traffic_sources": "A blog"}, follow=True
    )

    assert refused.value.code == "email_not_verified"
    assert "Verify your email address before you apply." in page.content.decode()
    assert Partner.objects.count() == 0


def test_an_unverified_partner_is_not_paid():
    partner = PartnerFactory()
    _payable(partner, "60")
    User.objects.filter(pk=partner.user_id).update(email_verified_at=None)
    partner.user.refresh_from_db()

    _refused(partner, "email_not_verified")


def test_a_commission_payout_above_the_kyc_threshold_needs_verified_kyc(settings):
    settings.WITHDRAWAL_KYC_THRESHOLD = D("100.00")
    partner = PartnerFactory()
    _payable(partner, "60", "50")  # 110.00 payable
    KycFactory(user=partner.user, status=UserKyc.Status.PENDING)

    refused = _refused(partner, "kyc_required")
    UserKyc.objects.filter(user=partner.user).update(status=UserKyc.Status.VERIFIED)
    withdrawal = partner_payout_request(partner=partner)

    assert refused.detail == "Withdrawals above USD 100.00 need verified payout details (KYC)."
    assert (withdrawal.source, withdrawal.amount) == ("commission", D("110.00"))
    assert _balances(partner) == {"partner_payable": D("0.00"), "partner_hold": D("110.00")}


def test_staff_cannot_approve_the_payout_of_a_partner_they_own(client):
    owner = StaffFactory()
    owner.groups.add(Group.objects.get(name="Finance"))
    partner = PartnerFactory(user=owner)
    _payable(partner, "60")
    withdrawal = partner_payout_request(partner=partner)
    client.force_login(owner)

    page = client.post(
        reverse("admin:wallet_withdrawal_changelist"),
        {"action": "approve", "_selected_action": [withdrawal.pk]},
        follow=True,
    )

    assert "You cannot approve a withdrawal on your own account" in page.content.decode()
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "pending"


def _details(client, password):
    return client.post(
        reverse("affiliates:payout-details"),
        {
            "method": "bank",
            "account_holder": "Pat",
            "iban": "GB29NWBK60161331926819",
            "bank_name": "Demo Bank",
            "tax_id": "GB123",
            "password": password,
        },
    )


def test_payout_details_allow_five_wrong_passwords_then_refuse_even_the_right_one(client):
    partner = PartnerFactory()
    client.force_login(partner.user)
    before = (partner.payout_method, partner.payout_details)

    wrong = [_details(client, f"guess-{i}") for i in range(5)]
    right = _details(client, PASSWORD)

    assert all("That is not your password." in r.content.decode() for r in wrong)
    assert "Too many password attempts." in right.content.decode()
    partner.refresh_from_db()
    assert (partner.payout_method, partner.payout_details) == before
    assert AuditLog.objects.filter(action="reauth.wrong_password", actor=partner.user).count() == 5
    assert AuditLog.objects.filter(action="reauth.throttled", actor=partner.user).count() == 1
    assert not AuditLog.objects.filter(action="partner.payout_details").exists()


def test_changed_payout_details_are_told_by_email(client, django_capture_on_commit_callbacks):
    partner = PartnerFactory(user=UserFactory(email="pat@example.com"))
    client.force_login(partner.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _details(client, PASSWORD)

    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [(["pat@example.com"], SUBJECT)]
    assert "partner payouts" in mail.outbox[0].body


def test_staff_cannot_approve_commission_of_a_partner_they_own(client):
    owner = StaffFactory()
    owner.groups.add(Group.objects.get(name="Affiliate manager"))
    (conversion,) = _earn(PartnerFactory(user=owner), "60", status="pending")
    client.force_login(owner)

    page = client.post(
        reverse("admin:affiliates_conversion_changelist"),
        {"action": "approve", "_selected_action": [conversion.pk]},
        follow=True,
    )

    assert "You cannot decide commission on your own account" in page.content.decode()
    assert Conversion.objects.get(pk=conversion.pk).status == "pending"
