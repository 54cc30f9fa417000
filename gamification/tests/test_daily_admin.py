from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from gamification.models import BonusCode, DailyBonusDay
from gamification.services.bonus_codes import bonus_code_redeem
from gamification.services.daily_bonus import daily_bonus_claim

from .factories_daily import BonusCodeFactory, bonus_days

pytestmark = pytest.mark.django_db

D = Decimal


def _staff(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def test_finance_changes_a_days_amount_and_it_is_audited(client):
    day = bonus_days()[3]
    staff = _staff(client, "Finance")

    response = client.post(
        reverse("admin:gamification_dailybonusday_change", args=[day.pk]),
        {"day_number": "4", "amount": "0.25", "points": "15"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    day.refresh_from_db()
    assert (day.amount, day.points) == (D("0.25"), 15)
    log = AuditLog.objects.get(action="dailybonusday.admin_change")
    assert log.actor == staff
    assert log.metadata["fields"]["amount"] == {"old": "0.20", "new": "0.25"}


def test_a_day_outside_one_to_seven_or_a_negative_amount_is_a_form_error(client):
    _staff(client, "Finance")
    url = reverse("admin:gamification_dailybonusday_add")

    eight = client.post(url, {"day_number": "8", "amount": "1.00", "points": "0"})
    negative = client.post(url, {"day_number": "1", "amount": "-1.00", "points": "0"})

    assert "day_number" in eight.context["adminform"].form.errors
    assert "amount" in negative.context["adminform"].form.errors
    assert DailyBonusDay.objects.count() == 0


def test_a_content_editor_may_look_but_not_change_amounts(client):
    day = bonus_days()[0]
    _staff(client, "Content editor")
    url = reverse("admin:gamification_dailybonusday_change", args=[day.pk])

    assert client.get(reverse("admin:gamification_dailybonusday_changelist")).status_code == 200
    assert client.post(url, {"day_number": "1", "amount": "9.00", "points": "0"}).status_code == 403
    day.refresh_from_db()
    assert day.amount == D("0.10")


def test_finance_adds_a_code_upper_cased_with_its_creator_and_an_audit_line(client):
    staff = _staff(client, "Finance")

    response = client.post(
        reverse("admin:gamification_bonuscode_add"),
        {
            "code": "spring-5",
            "description": "Spring",
            "amount": "5.00",
            "max_uses": "10",
            "is_active": "on",
            "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    code = BonusCode.objects.get()
    assert (code.code, code.amount, code.max_uses, code.created_by) == (
        "SPRING-5",
        D("5.00"),
        10,
        staff,
    )
    assert AuditLog.objects.filter(action="bonuscode.admin_add", actor=staff).count() == 1


def test_a_duplicate_code_in_another_case_is_a_form_error(client):
    BonusCodeFactory(code="TAKEN")
    _staff(client, "Finance")

    response = client.post(
        reverse("admin:gamification_bonuscode_add"),
        {
            "code": "taken",
            "amount": "5.00",
            "max_uses": "0",
            "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    # Staff read the constraint's name ("Constraint “gamification_bonus_code_unique_ci”
    # is violated.") until the form said it in words.
    assert response.context["adminform"].form.errors == {"code": ["The code TAKEN already exists."]}
    assert BonusCode.objects.count() == 1


def test_after_the_first_redemption_code_and_amount_are_read_only(client):
    code = BonusCodeFactory(code="USED", amount=D("5.00"))
    shopper = UserFactory()
    bonus_code_redeem(user=shopper, code="USED")
    _staff(client, "Finance")
    url = reverse("admin:gamification_bonuscode_change", args=[code.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "code": "CHANGED",
            "amount": "50.00",
            "description": "now described",
            "max_uses": "0",
            "redemptions-TOTAL_FORMS": "1",
            "redemptions-INITIAL_FORMS": "1",
        },
    )

    assert shopper.email in page.content.decode()  # the redemption, inline
    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.code, code.amount, code.description, code.uses_count) == (
        "USED",
        D("5.00"),
        "now described",
        1,
    )


def test_claims_are_visible_to_support_and_nobody_edits_them(client):
    bonus_days()
    shopper = UserFactory()
    claim = daily_bonus_claim(user=shopper)
    _staff(client, "Support agent")

    listing = client.get(reverse("admin:gamification_dailybonusclaim_changelist"))
    change = client.post(
        reverse("admin:gamification_dailybonusclaim_change", args=[claim.pk]), {"amount": "9.00"}
    )

    assert shopper.email in listing.content.decode()
    assert change.status_code == 403
