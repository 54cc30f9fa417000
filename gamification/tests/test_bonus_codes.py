from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UnverifiedUserFactory, UserFactory
from config.errors import Refusal
from gamification.models import BonusCode, BonusCodeRedemption
from gamification.services.bonus_codes import bonus_code_create, bonus_code_redeem
from gamification.services.bonus_money import BONUS_CODE
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

from .factories_daily import BonusCodeFactory, bonus_postings

pytestmark = pytest.mark.django_db

D = Decimal


def _nothing_moved(user, code):
    assert BonusCodeRedemption.objects.filter(user=user).count() == 0
    assert balances(user)["available"] == D("0.00")
    assert bonus_postings(BONUS_CODE) == []
    code.refresh_from_db()
    assert code.uses_count == 0


def test_a_code_credits_its_amount_once_under_its_key_whatever_the_case():
    code = BonusCodeFactory(code="WELCOME5", amount=D("5.00"))
    user = UserFactory()

    redemption = bonus_code_redeem(user=user, code="  welcome5 ")

    assert (redemption.code, redemption.user, redemption.amount) == (code, user, D("5.00"))
    assert balances(user)["available"] == D("5.00")
    assert bonus_postings(BONUS_CODE) == [(f"bonus-code:{code.pk}:{user.pk}", D("5.00"))]
    code.refresh_from_db()
    assert code.uses_count == 1
    assert wallet_audit() == []


def test_the_same_shopper_cannot_redeem_a_code_twice():
    code = BonusCodeFactory(code="ONCE")
    user = UserFactory()
    bonus_code_redeem(user=user, code="ONCE")

    with pytest.raises(Refusal) as refused:
        bonus_code_redeem(user=user, code="once")

    assert (refused.value.code, refused.value.http_status) == ("already_redeemed", 409)
    assert balances(user)["available"] == D("5.00")
    code.refresh_from_db()
    assert code.uses_count == 1


@pytest.mark.parametrize(
    ("fields", "typed", "code", "status"),
    [
        ({}, "NOSUCHCODE", "unknown_code", 404),
        ({}, "x" * 5000, "unknown_code", 404),
        ({}, "", "unknown_code", 404),
        ({"is_active": False}, "HELLO", "unknown_code", 404),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "HELLO", "code_expired", 400),
        ({"max_uses": 1, "uses_count": 1}, "HELLO", "code_exhausted", 409),
    ],
    ids=["unknown", "huge", "empty", "inactive", "expired", "exhausted"],
)
def test_refused_codes_change_nothing(fields, typed, code, status):
    bonus = BonusCodeFactory(code="HELLO", **fields)
    used_before = bonus.uses_count
    user = UserFactory()

    with pytest.raises(Refusal) as refused:
        bonus_code_redeem(user=user, code=typed)

    assert (refused.value.code, refused.value.http_status) == (code, status)
    assert BonusCodeRedemption.objects.count() == 0
    assert balances(user)["available"] == D("0.00")
    bonus.refresh_from_db()
    assert bonus.uses_count == used_before


def test_an_unverified_shopper_is_refused():
    code = BonusCodeFactory(code="HELLO")
    user = UnverifiedUserFactory()

    with pytest.raises(Refusal) as refused:
        bonus_code_redeem(user=user, code="HELLO")

    assert (refused.value.code, refused.value.http_status) == ("email_unverified", 403)
    _nothing_moved(user, code)


def test_staff_cannot_redeem_a_code_they_created(client):
    # Finance types any amount into a code: collecting it themselves would pay themselves.
    finance = StaffFactory()
    code = BonusCodeFactory(code="MINE", amount=Decimal("5000.00"), created_by=finance)
    client.force_login(finance)

    response = client.post(
        "/api/v1/me/bonus-codes/redeem/", {"code": "mine"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "own_account"
    _nothing_moved(finance, code)
    # Anyone else still may.
    other = UserFactory()
    bonus_code_redeem(user=other, code="MINE")
    assert balances(other)["available"] == Decimal("5000.00")


def test_guessing_is_limited_to_ten_attempts_per_ten_minutes():
    code = BonusCodeFactory(code="REALCODE")
    user = UserFactory()
    for attempt in range(10):
        with pytest.raises(Refusal) as refused:
            bonus_code_redeem(user=user, code=f"GUESS{attempt}")
        assert refused.value.code == "unknown_code"

    with pytest.raises(Refusal) as refused:
        bonus_code_redeem(user=user, code="REALCODE")  # even the right one, now

    assert (refused.value.code, refused.value.http_status) == ("too_many_attempts", 429)
    _nothing_moved(user, code)
    # Another shopper's attempts are their own.
    assert bonus_code_redeem(user=UserFactory(), code="REALCODE").amount == D("5.00")


def test_create_normalises_and_audits_and_refuses_bad_input():
    staff = StaffFactory()
    code = bonus_code_create(code=" summer-10 ", amount="10.00", max_uses=5, actor=staff)

    assert (code.code, code.amount, code.max_uses, code.created_by) == (
        "SUMMER-10",
        D("10.00"),
        5,
        staff,
    )
    assert AuditLog.objects.filter(action="gamification.bonus_code_create").count() == 1
    for kwargs, refusal in [
        ({"code": "Summer-10", "amount": "1.00"}, "code_taken"),
        ({"code": "AB", "amount": "1.00"}, "invalid_code"),
        ({"code": "HAS SPACE", "amount": "1.00"}, "invalid_code"),
        ({"code": "FREE", "amount": "0"}, "invalid_amount"),
        ({"code": "FREE", "amount": "-5.00"}, "invalid_amount"),
        ({"code": "FREE", "amount": "1e3"}, "invalid_amount"),
        ({"code": "FREE", "amount": "1.00", "max_uses": -1}, "invalid_max_uses"),
        (
            {"code": "FREE", "amount": "1.00", "expires_at": timezone.now()},
            "expiry_in_past",
        ),
    ]:
        with pytest.raises(Refusal) as refused:
            bonus_code_create(**kwargs)
        assert refused.value.code == refusal, kwargs
    assert BonusCode.objects.count() == 1


def test_create_bonus_code_command():
    out = StringIO()
    call_command(
        "create_bonus_code",
        "spring5",
        "--amount",
        "5.00",
        "--max-uses",
        "100",
        "--expires",
        (timezone.localdate() + timedelta(days=30)).isoformat(),
        "--description",
        "Spring promo",
        stdout=out,
    )

    code = BonusCode.objects.get()
    assert (code.code, code.amount, code.max_uses, code.description) == (
        "SPRING5",
        D("5.00"),
        100,
        "Spring promo",
    )
    assert timezone.localtime(code.expires_at).date() == timezone.localdate() + timedelta(days=31)
    assert "Bonus code SPRING5: 5.00, 100 uses" in out.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["SPRING5", "--amount", "5.00"], "already exists"),
        (["OTHER", "--amount", "five"], "is not a number"),
        (["OTHER", "--amount", "0.00"], "more than zero"),
        (["OTHER", "--amount", "1.00", "--expires", "2020-01-01"], "in the future"),
        (["OTHER", "--amount", "1.00", "--expires", "31/12/2030"], "YYYY-MM-DD"),
    ],
    ids=["duplicate", "bad-amount", "zero", "past-date", "bad-date"],
)
def test_create_bonus_code_command_refuses_bad_input(arguments, message):
    BonusCodeFactory(code="SPRING5")

    with pytest.raises(CommandError, match=message):
        call_command("create_bonus_code", *arguments, stdout=StringIO())

    assert BonusCode.objects.count() == 1


def test_a_code_that_expires_today_at_midnight_still_works_until_then():
    expiry = timezone.now() + timedelta(minutes=5)
    BonusCodeFactory(code="SOON", expires_at=expiry)
    user = UserFactory()

    assert bonus_code_redeem(user=user, code="SOON", now=expiry - timedelta(seconds=1))
    with pytest.raises(Refusal) as refused:
        bonus_code_redeem(user=UserFactory(), code="SOON", now=expiry)
    assert refused.value.code == "code_expired"
