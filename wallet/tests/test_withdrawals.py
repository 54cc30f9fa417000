from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import UserKyc
from accounts.tests.factories import PASSWORD, KycFactory, UnverifiedUserFactory, UserFactory
from config.testing import race
from wallet.models import Transaction, Withdrawal, WithdrawalMethod
from wallet.services.audit import wallet_audit
from wallet.services.cashback import cashback_reverse
from wallet.services.confirmation import cashback_confirm

from .factories import balances, give_available, recorded_event

D = Decimal
WITHDRAWALS = reverse("api-me-withdrawals")


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _paypal(amount, email="me@paypal.example", password=PASSWORD):
    return {"method": "paypal", "amount": amount, "paypal_email": email, "password": password}


@pytest.mark.django_db
def test_a_withdrawal_holds_the_money_and_fixes_fee_and_net():
    user = UserFactory()
    give_available(user, "50.00")

    response = _api(user).post(WITHDRAWALS, _paypal("25.00"), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("method", "amount", "fee", "net_amount", "status")} == {
        "method": "paypal",
        "amount": "25.00",
        "fee": "0.50",  # 2% of 25.00
        "net_amount": "24.50",
        "status": "pending",
    }
    assert body["payout_details"] == {"paypal_email": "••••mple"}
    assert balances(user) == {"available": D("25.00"), "pending": D("0.00"), "hold": D("25.00")}
    assert wallet_audit() == []


def _refused_with(user, payload, status, code):
    before = (balances(user), Transaction.objects.count(), Withdrawal.objects.count())
    response = _api(user).post(WITHDRAWALS, payload, format="json")
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert (balances(user), Transaction.objects.count(), Withdrawal.objects.count()) == before
    return response.json()


@pytest.mark.django_db
def test_below_the_method_minimum_is_refused():
    user = UserFactory()
    give_available(user, "50.00")

    body = _refused_with(user, _paypal("4.99"), 400, "below_minimum")

    assert body["detail"] == "The minimum for PayPal is USD 5.00."
    assert body["field"] == "amount"


@pytest.mark.django_db
def test_more_than_the_available_balance_is_refused():
    user = UserFactory()
    give_available(user, "30.00")

    body = _refused_with(user, _paypal("30.01"), 400, "insufficient_funds")

    assert body["detail"] == "You can withdraw at most USD 30.00."


@pytest.mark.django_db
def test_an_unverified_email_is_refused():
    user = UnverifiedUserFactory()
    give_available(user, "50.00")

    body = _refused_with(user, _paypal("10.00"), 400, "email_not_verified")

    assert body["detail"] == "Verify your email address before you withdraw."


@pytest.mark.django_db
def test_above_the_kyc_threshold_needs_verified_kyc(settings):
    settings.WITHDRAWAL_KYC_THRESHOLD = D("100.00")
    user = UserFactory()
    give_available(user, "300.00")
    KycFactory(user=user, status=UserKyc.Status.PENDING)

    _refused_with(user, _paypal("100.01"), 400, "kyc_required")

    assert _api(user).post(WITHDRAWALS, _paypal("100.00"), format="json").status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (
            {"method": "paypal", "amount": "10.00", "password": PASSWORD},
            "missing_detail",
            "paypal_email",
        ),
        ({**_paypal("10.00"), "paypal_email": "not-an-email"}, "invalid_detail", "paypal_email"),
        (
            {"method": "upi", "amount": "10.00", "upi_id": "nope", "password": PASSWORD},
            "invalid_detail",
            "upi_id",
        ),
        (
            {
                "method": "crypto",
                "amount": "30.00",
                "crypto_network": "BTC",
                "crypto_address": "T" * 34,
                "password": PASSWORD,
            },
            "invalid_detail",
            "crypto_network",
        ),
        ({"method": "bank", "amount": "20.00"}, "kyc_required", None),
        ({**_paypal("10.00"), "password": ""}, "password_required", "password"),
        ({**_paypal("10.00"), "password": "wrong-one"}, "wrong_password", "password"),
    ],
)
def test_bad_payout_details_are_refused(payload, code, field):
    user = UserFactory()
    give_available(user, "50.00")

    body = _refused_with(user, payload, 400, code)

    assert body.get("field") == field


@pytest.mark.django_db
def test_a_disabled_method_is_refused():
    user = UserFactory()
    give_available(user, "50.00")
    WithdrawalMethod.objects.filter(code="paypal").update(is_enabled=False)

    _refused_with(user, _paypal("10.00"), 400, "method_unavailable")


@pytest.mark.django_db
def test_known_payout_details_need_no_password_new_ones_do():
    user = UserFactory()
    give_available(user, "50.00")
    api = _api(user)
    assert api.post(WITHDRAWALS, _paypal("10.00"), format="json").status_code == 201

    same = api.post(WITHDRAWALS, {**_paypal("10.00"), "password": ""}, format="json")
    changed = api.post(
        WITHDRAWALS, {**_paypal("10.00", "new@paypal.example"), "password": ""}, format="json"
    )

    assert same.status_code == 201
    assert (changed.status_code, changed.json()["code"]) == (400, "password_required")


@pytest.mark.django_db
def test_bank_transfer_pays_the_verified_kyc_account():
    user = UserFactory()
    give_available(user, "50.00")
    KycFactory(user=user, status=UserKyc.Status.VERIFIED, account_number="998877665544")

    response = _api(user).post(WITHDRAWALS, {"method": "bank", "amount": "20.00"}, format="json")

    assert response.status_code == 201
    assert response.json()["payout_details"]["account_number"] == "••••5544"
    assert (response.json()["fee"], response.json()["net_amount"]) == ("0.50", "19.50")


@pytest.mark.django_db
def test_cancel_returns_the_funds_once():
    user = UserFactory()
    give_available(user, "50.00")
    api = _api(user)
    withdrawal_id = api.post(WITHDRAWALS, _paypal("20.00"), format="json").json()["id"]
    url = reverse("api-me-withdrawal-cancel", args=[withdrawal_id])

    first = api.post(url)
    second = api.post(url)

    assert (first.status_code, first.json()["status"]) == (200, "cancelled")
    assert (second.status_code, second.json()["code"]) == (409, "not_cancellable")
    assert balances(user) == {"available": D("50.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert Transaction.objects.filter(kind="withdrawal.return").count() == 1


@pytest.mark.django_db
def test_cancelling_someone_elses_withdrawal_is_refused_and_changes_nothing(client):
    owner, intruder = UserFactory(), UserFactory()
    give_available(owner, "50.00")
    withdrawal_id = _api(owner).post(WITHDRAWALS, _paypal("20.00"), format="json").json()["id"]
    before = (balances(owner), Transaction.objects.count())

    api_response = _api(intruder).post(reverse("api-me-withdrawal-cancel", args=[withdrawal_id]))
    client.force_login(intruder)
    page_response = client.post(reverse("wallet:withdrawal-cancel", args=[withdrawal_id]))

    assert api_response.status_code == 404
    assert page_response.status_code == 404
    assert Withdrawal.objects.get(pk=withdrawal_id).status == "pending"
    assert (balances(owner), Transaction.objects.count()) == before


@pytest.mark.django_db
def test_a_reversal_after_a_withdrawal_goes_negative_and_the_next_cashback_repays_it(settings):
    # The reversal leaves no confirmed cashback; this test is about the balance going negative.
    settings.BONUS_WITHDRAWABLE_AFTER_FIRST_CASHBACK = False
    user = UserFactory()
    event = recorded_event(user, cashback="30.00", status="approved")
    cashback_confirm(event=event)
    assert _api(user).post(WITHDRAWALS, _paypal("30.00"), format="json").status_code == 201

    cashback_reverse(event=event, reason="the order was returned")
    assert balances(user) == {"available": D("-30.00"), "pending": D("0.00"), "hold": D("30.00")}
    _refused_with(user, _paypal("5.00"), 400, "insufficient_funds")

    cashback_confirm(event=recorded_event(user, cashback="45.00", status="approved"))

    assert balances(user)["available"] == D("15.00")
    assert wallet_audit() == []


@pytest.mark.django_db
def test_the_withdraw_page(client):
    user = UserFactory()
    give_available(user, "50.00")
    client.force_login(user)

    refused = client.post(reverse("wallet:withdraw"), _paypal("1.00"))
    done = client.post(reverse("wallet:withdraw"), _paypal("12.00"), follow=True)

    assert refused.context["form"].errors["amount"] == ["The minimum for PayPal is USD 5.00."]
    assert "you will receive USD 11.76 after fees" in done.content.decode()
    assert balances(user)["hold"] == D("12.00")


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_requests_of_ten_from_fifty_exactly_five_succeed():
    user = UserFactory()
    give_available(user, "50.00")
    first = _api(user).post(WITHDRAWALS, _paypal("5.00"), format="json")  # details now known
    assert first.status_code == 201, first.json()
    cancel = reverse("api-me-withdrawal-cancel", args=[first.json()["id"]])
    assert _api(user).post(cancel).status_code == 200

    def request(_):
        response = _api(user).post(WITHDRAWALS, {**_paypal("10.00"), "password": ""}, format="json")
        return response.status_code, response.json().get("code")

    results = race(20, request)

    assert sorted(results, key=str) == [(201, None)] * 5 + [(400, "insufficient_funds")] * 15
    assert balances(user) == {"available": D("0.00"), "pending": D("0.00"), "hold": D("50.00")}
    assert Withdrawal.objects.filter(status="pending").count() == 5
    assert wallet_audit() == []
