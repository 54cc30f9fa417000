"""Review of bonus codes: the staff member who created a code is not paid by it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import StaffFactory, UserFactory
from config.testing import race
from gamification.admin.bonus_codes import BonusCodeAdmin
from gamification.models import BonusCode, BonusCodeRedemption
from gamification.services.bonus_codes import AlreadyRedeemed, bonus_code_redeem
from gamification.services.bonus_money import BONUS_CODE
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

from .factories_daily import BonusCodeFactory, bonus_postings

pytestmark = pytest.mark.django_db

REDEEM = "/api/v1/me/bonus-codes/redeem/"


def test_staff_cannot_create_a_code_in_the_admin_and_redeem_it_themselves(client):
    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    client.post(
        "/admin/gamification/bonuscode/add/",
        {
            "code": "MINE500",
            "description": "",
            "amount": "500.00",
            "max_uses": "1",
            "is_active": "on",
            "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0",
        },
    )
    code = BonusCode.objects.get(code="MINE500")
    assert code.created_by == finance

    answer = client.post(REDEEM, {"code": "mine500"}, content_type="application/json")

    assert answer.status_code == 403
    assert answer.json()["code"] == "own_account"
    assert balances(finance)["available"] == Decimal("0.00")
    assert bonus_postings(BONUS_CODE) == []
    assert not BonusCodeRedemption.objects.exists()
    code.refresh_from_db()
    assert code.uses_count == 0

    # Anyone else redeems it as usual.
    shopper = UserFactory()
    client.force_login(shopper)
    answer = client.post(REDEEM, {"code": "MINE500"}, content_type="application/json")
    assert answer.status_code == 201
    assert balances(shopper)["available"] == Decimal("500.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_shopper_redeeming_a_code_from_eight_requests_at_once_is_paid_once():
    code = BonusCodeFactory(code="ONCEEACH", amount=Decimal("3.00"), max_uses=0)
    shopper = UserFactory()

    results = race(8, lambda i: bonus_code_redeem(user=shopper, code="onceeach"))

    redeemed = [r for r in results if isinstance(r, BonusCodeRedemption)]
    refused = [r for r in results if isinstance(r, AlreadyRedeemed)]
    assert (len(redeemed), len(refused)) == (1, 7), results
    assert balances(shopper)["available"] == Decimal("3.00")
    assert bonus_postings(BONUS_CODE) == [(f"bonus-code:{code.pk}:{shopper.pk}", Decimal("3.00"))]
    code.refresh_from_db()
    assert code.uses_count == 1
    assert wallet_audit() == []


def test_editing_a_code_while_it_is_redeemed_does_not_give_back_the_use(client, monkeypatch):
    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    code = BonusCodeFactory(code="TWOUSES", amount=Decimal("4.00"), max_uses=2)
    bonus_code_redeem(user=UserFactory(), code="TWOUSES")
    saving = BonusCodeAdmin.save_model

    def redeemed_meanwhile(self, request, obj, form, change):
        # A shopper redeems between the admin loading the code and saving it.
        bonus_code_redeem(user=UserFactory(), code="TWOUSES")
        saving(self, request, obj, form, change)

    monkeypatch.setattr(BonusCodeAdmin, "save_model", redeemed_meanwhile)
    client.force_login(finance)
    client.post(
        f"/admin/gamification/bonuscode/{code.pk}/change/",
        {
            "description": "Autumn mailing",
            "expires_at": "",
            "max_uses": "2",
            "is_active": "on",
            "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0",
        },
    )

    code.refresh_from_db()
    assert (code.description, code.uses_count) == ("Autumn mailing", 2)
    assert BonusCodeRedemption.objects.filter(code=code).count() == 2
    with pytest.raises(Exception, match="used up"):
        bonus_code_redeem(user=UserFactory(), code="TWOUSES")
    assert BonusCodeRedemption.objects.filter(code=code).count() == 2
