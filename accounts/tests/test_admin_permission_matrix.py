"""Who may do what in the admin, role by role (issue 10, acceptance).

Each check runs one thing a staff member could try, as that role, through the admin's own
pages and changelist POSTs, and answers whether it took effect. Denied means 403, the
field absent from the form, or the action absent and a forged POST changing nothing;
every check reads the database afterwards, so a denied row proves nothing changed.

The `own_*` rows are self-dealing: the same moves on the staff member's own money (its
shopper account, or a partner account it owns). Nobody may make them, not even an
Administrator: another staff member must.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User, UserKyc
from affiliates.models import Conversion, Partner, PartnerCampaign
from affiliates.tests.factories import LinkFactory, PartnerFactory, PendingPartnerFactory
from affiliates.tests.support import record_conversion
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.tokens import token_matches
from offers.tests.factories import NETWORK_TOKEN, NetworkFactory
from wallet.models import CashbackEvent, PayoutBatch, Withdrawal
from wallet.services.payouts import payouts_process
from wallet.services.withdrawals import withdrawal_approve, withdrawal_request
from wallet.tests.factories import balances, give_available, recorded_event

from .factories import PASSWORD, KycFactory, StaffFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("Administrator", "Finance", "Support agent", "Content editor", "Affiliate manager")
NEW_PASSWORD = "N3w-passw0rd-for-matrix!"


def _url(name, *args):
    return reverse(f"admin:{name}", args=args)


def _act(client, changelist, action, rows, **extra):
    return client.post(
        _url(changelist), {"action": action, "_selected_action": [r.pk for r in rows], **extra}
    )


def _user_form(user, **changes):
    """Every field of the full (superuser's) change form, so an allowed POST is valid and a
    denied one is a forgery carrying the privileged fields too."""
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": "",
        "staff_notes": "",
        "referred_by": "",
        **changes,
    }


# --- users and permissions ----------------------------------------------------------


def user_form_shows_permissions_and_password(client, staff):
    response = client.get(_url("accounts_user_change", UserFactory().pk))
    if response.status_code != 200:
        return False
    body = response.content.decode()
    names = ("is_superuser", "is_staff", "groups", "user_permissions", "email")
    return any(f'name="{name}"' in body for name in names) or "../password/" in body


def user_made_staff(client, staff):
    shopper = UserFactory()
    administrators = Group.objects.get(name="Administrator")
    client.post(
        _url("accounts_user_change", shopper.pk),
        _user_form(shopper, is_staff="on", is_superuser="on", groups=[administrators.pk]),
    )
    shopper.refresh_from_db()
    return shopper.is_staff or shopper.is_superuser or shopper.groups.exists()


def user_email_rewritten(client, staff):
    shopper = UserFactory()
    client.post(
        _url("accounts_user_change", shopper.pk), _user_form(shopper, email="taken@evil.example")
    )
    shopper.refresh_from_db()
    return shopper.email == "taken@evil.example"


def user_profile_edited(client, staff):
    shopper = UserFactory(first_name="Ann")
    client.post(
        _url("accounts_user_change", shopper.pk),
        _user_form(shopper, first_name="Anne", staff_notes="asked about a claim"),
    )
    shopper.refresh_from_db()
    return (shopper.first_name, shopper.staff_notes) == ("Anne", "asked about a claim")


def staff_record_opened(client, staff):
    colleague = StaffFactory()
    return client.get(_url("accounts_user_change", colleague.pk)).status_code == 200


def password_set(client, staff):
    shopper = UserFactory()
    client.post(
        _url("auth_user_password_change", shopper.pk),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    shopper.refresh_from_db()
    return shopper.check_password(NEW_PASSWORD)


def user_added(client, staff):
    client.post(
        _url("accounts_user_add"),
        {
            "email": "added@savebucks.test",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_staff": "on",
        },
    )
    return User.objects.filter(email="added@savebucks.test").exists()


def user_suspended(client, staff):
    shopper = UserFactory()
    _act(client, "accounts_user_changelist", "suspend_users", [shopper], reason="fraud")
    shopper.refresh_from_db()
    return shopper.status == User.Status.SUSPENDED


def group_permissions_editable(client, staff):
    finance = Group.objects.get(name="Finance")
    response = client.get(_url("auth_group_change", finance.pk))
    return response.status_code == 200 and 'name="permissions"' in response.content.decode()


# --- secrets ----------------------------------------------------------------------------


def network_secrets_shown(client, staff):
    network = NetworkFactory(ip_allowlist="203.0.113.7", api_credentials="api-secret")
    response = client.get(_url("offers_network_change", network.pk))
    body = response.content.decode()
    return response.status_code == 200 and (
        'name="ip_allowlist"' in body or "203.0.113.7" in body or "field-token_hint" in body
    )


def network_token_rotated(client, staff):
    network = NetworkFactory()
    _act(client, "offers_network_changelist", "rotate_token", [network])
    network.refresh_from_db()
    return not network.token_matches(NETWORK_TOKEN)


def campaign_token_rotated(client, staff):
    campaign = CampaignFactory(token="matrix-campaign-token")
    _act(client, "campaigns_campaign_changelist", "rotate_token", [campaign])
    campaign.refresh_from_db()
    return not token_matches("matrix-campaign-token", campaign.postback_token_hash)


# --- money ------------------------------------------------------------------------------


def kyc_verified(client, staff):
    kyc = KycFactory()
    _act(client, "accounts_userkyc_changelist", "verify", [kyc], reason="documents match")
    kyc.refresh_from_db()
    return kyc.status == UserKyc.Status.VERIFIED


def kyc_rejected(client, staff):
    kyc = KycFactory()
    _act(client, "accounts_userkyc_changelist", "reject", [kyc], reason="blurry scan")
    kyc.refresh_from_db()
    return kyc.status == UserKyc.Status.REJECTED


def _pending_withdrawal(shopper=None):
    shopper = shopper or UserFactory()
    give_available(shopper, "40.00")
    return withdrawal_request(
        user=shopper,
        method_code="paypal",
        amount=Decimal("20.00"),
        details={"paypal_email": f"{shopper.pk}@paypal.example"},
        password=PASSWORD,
    )


def _manual_batch(shopper=None):
    withdrawal = _pending_withdrawal(shopper)
    withdrawal_approve(withdrawal=withdrawal, actor=SuperuserFactory())
    payouts_process()
    return withdrawal, PayoutBatch.objects.get()


def withdrawal_approved(client, staff):
    withdrawal = _pending_withdrawal()
    _act(client, "wallet_withdrawal_changelist", "approve", [withdrawal])
    return Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.APPROVED


def withdrawal_rejected(client, staff):
    withdrawal = _pending_withdrawal()
    _act(client, "wallet_withdrawal_changelist", "reject", [withdrawal], reason="fraud")
    return Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.REJECTED


def withdrawal_paid(client, staff):
    withdrawal, _ = _manual_batch()
    _act(client, "wallet_withdrawal_changelist", "mark_paid", [withdrawal], reason="BANK-1")
    return Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.COMPLETED


def balance_adjusted(client, staff):
    shopper = UserFactory(email="adjust-me@example.com")
    client.post(
        _url("wallet_account_adjust"),
        {
            "email": shopper.email,
            "direction": "credit",
            "amount": "5.00",
            "reason": "goodwill",
            "key": "matrix-adjust-1",
        },
    )
    return balances(shopper)["available"] == Decimal("5.00")


def bank_file_downloaded(client, staff):
    _, batch = _manual_batch()
    response = _act(client, "wallet_payoutbatch_changelist", "download_csv", [batch])
    return response.status_code == 200 and response["Content-Type"] == "text/csv"


def batch_marked_paid(client, staff):
    _, batch = _manual_batch()
    _act(client, "wallet_payoutbatch_changelist", "mark_batch_paid", [batch], reason="BANK-2")
    batch.refresh_from_db()
    return batch.status == PayoutBatch.Status.COMPLETED


def cashback_confirmed(client, staff):
    event = recorded_event(UserFactory(), cashback="6.00")
    _act(client, "wallet_cashbackevent_changelist", "confirm_now", [event])
    return CashbackEvent.objects.get(pk=event.pk).status == CashbackEvent.Status.CONFIRMED


# --- self-dealing -----------------------------------------------------------------------


def own_withdrawal_approved(client, staff):
    withdrawal = _pending_withdrawal(staff)
    _act(client, "wallet_withdrawal_changelist", "approve", [withdrawal])
    return Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.APPROVED


def own_withdrawal_rejected(client, staff):
    withdrawal = _pending_withdrawal(staff)
    _act(client, "wallet_withdrawal_changelist", "reject", [withdrawal], reason="mine")
    return Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.REJECTED


def own_withdrawal_paid(client, staff):
    withdrawal, _ = _manual_batch(staff)
    _act(client, "wallet_withdrawal_changelist", "mark_paid", [withdrawal], reason="BANK-3")
    return Withdrawal.objects.get(pk=withdrawal.pk).status == Withdrawal.Status.COMPLETED


def own_batch_marked_paid(client, staff):
    _, batch = _manual_batch(staff)
    _act(client, "wallet_payoutbatch_changelist", "mark_batch_paid", [batch], reason="BANK-4")
    batch.refresh_from_db()
    return batch.status == PayoutBatch.Status.COMPLETED


def own_balance_adjusted(client, staff):
    before = balances(staff)["available"]
    client.post(
        _url("wallet_account_adjust"),
        {
            "email": staff.email,
            "direction": "credit",
            "amount": "5.00",
            "reason": "goodwill",
            "key": "matrix-adjust-own",
        },
    )
    return balances(staff)["available"] != before


def own_cashback_confirmed(client, staff):
    event = recorded_event(staff, cashback="6.00")
    _act(client, "wallet_cashbackevent_changelist", "confirm_now", [event])
    return CashbackEvent.objects.get(pk=event.pk).status == CashbackEvent.Status.CONFIRMED


def own_commission_approved(client, staff):
    link = LinkFactory(partner=PartnerFactory(user=staff))
    goal = GoalFactory(campaign=link.campaign, commission_value=Decimal("8.00"))
    conversion = record_conversion(link, goal=goal)
    _act(client, "affiliates_conversion_changelist", "approve", [conversion])
    return Conversion.objects.get(pk=conversion.pk).status == Conversion.Status.APPROVED


def own_kyc_verified(client, staff):
    kyc = KycFactory(user=staff)
    _act(client, "accounts_userkyc_changelist", "verify", [kyc], reason="it is me")
    kyc.refresh_from_db()
    return kyc.status == UserKyc.Status.VERIFIED


# --- partners -----------------------------------------------------------------------------


def partner_approved(client, staff):
    partner = PendingPartnerFactory()
    _act(client, "affiliates_partner_changelist", "approve", [partner])
    return Partner.objects.get(pk=partner.pk).status == Partner.Status.APPROVED


def partner_suspended(client, staff):
    partner = PartnerFactory()
    _act(client, "affiliates_partner_changelist", "suspend", [partner], reason="cookie stuffing")
    return Partner.objects.get(pk=partner.pk).status == Partner.Status.SUSPENDED


def campaign_access_decided(client, staff):
    access = PartnerCampaign.objects.create(
        partner=PartnerFactory(),
        campaign=CampaignFactory(visibility=Campaign.Visibility.APPROVAL_REQUIRED),
    )
    _act(client, "affiliates_partnercampaign_changelist", "approve", [access])
    access.refresh_from_db()
    return access.status == PartnerCampaign.Status.APPROVED


def partner_invited(client, staff):
    partner = PartnerFactory()
    campaign = CampaignFactory(visibility=Campaign.Visibility.PRIVATE)
    _act(
        client,
        "affiliates_partner_changelist",
        "invite_to_campaign",
        [partner],
        campaign=campaign.pk,
    )
    return PartnerCampaign.objects.filter(
        partner=partner, campaign=campaign, status=PartnerCampaign.Status.APPROVED
    ).exists()


def partner_login_reassignable(client, staff):
    partner = PartnerFactory()
    response = client.get(_url("affiliates_partner_change", partner.pk))
    return response.status_code == 200 and 'name="user"' in response.content.decode()


NOBODY: set[str] = set()
ADMIN = {"Administrator"}
FINANCE = {"Administrator", "Finance"}
SUPPORT = {"Administrator", "Support agent"}
AFFILIATES = {"Administrator", "Affiliate manager"}

# check → the roles for which it takes effect; every other role is denied.
MATRIX = {
    user_form_shows_permissions_and_password: ADMIN,
    user_made_staff: ADMIN,
    user_email_rewritten: ADMIN,
    user_profile_edited: SUPPORT,
    staff_record_opened: ADMIN,
    password_set: ADMIN,
    user_added: ADMIN,
    user_suspended: SUPPORT,
    group_permissions_editable: ADMIN,
    network_secrets_shown: ADMIN,
    network_token_rotated: ADMIN,
    campaign_token_rotated: ADMIN,
    kyc_verified: FINANCE,
    kyc_rejected: FINANCE,
    withdrawal_approved: FINANCE,
    withdrawal_rejected: FINANCE,
    withdrawal_paid: FINANCE,
    balance_adjusted: FINANCE,
    bank_file_downloaded: FINANCE,
    batch_marked_paid: FINANCE,
    cashback_confirmed: FINANCE,
    partner_approved: AFFILIATES,
    partner_suspended: AFFILIATES,
    campaign_access_decided: AFFILIATES,
    partner_invited: AFFILIATES,
    partner_login_reassignable: NOBODY,
    own_withdrawal_approved: NOBODY,
    own_withdrawal_rejected: NOBODY,
    own_withdrawal_paid: NOBODY,
    own_batch_marked_paid: NOBODY,
    own_balance_adjusted: NOBODY,
    own_cashback_confirmed: NOBODY,
    own_commission_approved: NOBODY,
    own_kyc_verified: NOBODY,
}


def _staff_in(role):
    # The Administrator role is the superuser: only superusers grant roles and passwords.
    staff = SuperuserFactory() if role == "Administrator" else StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    return staff


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", list(MATRIX), ids=lambda check: check.__name__)
def test_permission_matrix(client, check, role):
    staff = _staff_in(role)
    client.force_login(staff)

    assert check(client, staff) is (role in MATRIX[check])
