"""Staff and points and tiers, through the admin as each role would use it."""

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from gamification.models import Activity, UserTier, VipTier
from gamification.services.points import points_award, points_balance
from gamification.tests.factories_tiers import demo_tiers
from wallet.services.confirmation import cashback_confirm
from wallet.tests.factories import recorded_event

pytestmark = pytest.mark.django_db

CORRECT = "/admin/gamification/activity/correct/"
TIERS = "/admin/gamification/viptier/"


def staff_in(client, role: str):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def correction(email, points, reason="Duplicate award", key="form-1"):
    return {"email": email, "points": str(points), "reason": reason, "key": key}


def test_finance_corrects_points_with_a_reason_once_per_form(client):
    shopper = UserFactory()
    points_award(user=shopper, kind="cashback", points=500, idempotency_key="e")
    finance = staff_in(client, "Finance")
    assert "Correct a shopper" in client.get("/admin/gamification/activity/").content.decode()
    assert client.get(CORRECT).status_code == 200

    answer = client.post(CORRECT, correction(shopper.email, -200))
    client.post(CORRECT, correction(shopper.email, -200))  # submitted twice

    assert answer.status_code == 302
    row = Activity.objects.get(kind="correction")
    assert (row.user, row.points, row.reason, row.actor) == (
        shopper,
        -200,
        "Duplicate award",
        finance,
    )
    assert points_balance(shopper) == (300, 500)
    assert AuditLog.objects.filter(action="gamification.points_correct", actor=finance).count() == 1


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"points": -501}, "not enough points"),
        ({"points": 0}, "must not be zero"),
        ({"reason": "   "}, "This field is required."),
        ({"email": "nobody@example.com"}, "No account with that email."),
        ({"points": 10**9}, "less than or equal to"),
    ],
)
def test_finance_sees_why_a_correction_is_refused_and_nothing_changes(client, data, said):
    shopper = UserFactory()
    points_award(user=shopper, kind="cashback", points=500, idempotency_key="e")
    staff_in(client, "Finance")
    answer = client.post(CORRECT, {**correction(shopper.email, 10), **data})
    assert answer.status_code == 200
    assert said in answer.content.decode()
    assert points_balance(shopper) == (500, 500)
    assert not Activity.objects.filter(kind="correction").exists()


def test_nobody_corrects_their_own_points(client):
    finance = staff_in(client, "Finance")
    answer = client.post(CORRECT, correction(finance.email, 1000))
    assert "your own account" in answer.content.decode()
    assert points_balance(finance) == (0, 0)


@pytest.mark.parametrize("role", ["Content editor", "Support agent"])
def test_other_roles_may_not_correct_points(client, role):
    shopper = UserFactory()
    staff_in(client, role)
    assert client.get(CORRECT).status_code == 403
    assert client.post(CORRECT, correction(shopper.email, 1000)).status_code == 403
    assert "Correct a shopper" not in client.get("/admin/gamification/activity/").content.decode()
    assert not Activity.objects.exists()


def test_finance_edits_a_tier_and_the_change_is_audited(client):
    _, silver, _ = demo_tiers()
    finance = staff_in(client, "Finance")
    answer = client.post(
        f"{TIERS}{silver.pk}/change/",
        {
            "name": "Silver",
            "slug": "silver",
            "threshold": "150.00",
            "topup_percent": "3.00",
            "daily_bonus_multiplier": "1.50",
            "sort_order": "0",
        },
    )
    assert answer.status_code == 302
    silver.refresh_from_db()
    assert (silver.threshold, silver.topup_percent) == (D("150.00"), D("3.00"))
    audit = AuditLog.objects.get(action="viptier.admin_change", actor=finance)
    assert audit.metadata["fields"]["topup_percent"] == {"old": "2.00", "new": "3.00"}


def test_a_tier_multiplier_below_one_is_refused(client):
    _, silver, _ = demo_tiers()
    staff_in(client, "Finance")
    answer = client.post(
        f"{TIERS}{silver.pk}/change/",
        {
            "name": "Silver",
            "slug": "silver",
            "threshold": "100.00",
            "topup_percent": "2.00",
            "daily_bonus_multiplier": "0.50",
            "sort_order": "0",
        },
    )
    assert answer.status_code == 200
    silver.refresh_from_db()
    assert silver.daily_bonus_multiplier == D("1.50")


def test_finance_recomputes_tiers_from_the_changelist(client):
    _, _, gold = demo_tiers()
    shopper = UserFactory()
    cashback_confirm(event=recorded_event(shopper, cashback="600.00"))
    finance = staff_in(client, "Finance")
    answer = client.post(
        TIERS, {"action": "recompute_now", "_selected_action": [gold.pk]}, follow=True
    )
    assert "1 shoppers, 1 changed" in answer.content.decode()
    assert UserTier.objects.get(user=shopper).tier == gold
    assert AuditLog.objects.filter(action="gamification.recompute_tiers", actor=finance).exists()


def test_content_editors_see_tiers_but_change_and_recompute_nothing(client):
    _, silver, gold = demo_tiers()
    shopper = UserFactory()
    cashback_confirm(event=recorded_event(shopper, cashback="600.00"))
    staff_in(client, "Content editor")
    assert client.get(TIERS).status_code == 200
    client.post(TIERS, {"action": "recompute_now", "_selected_action": [gold.pk]})
    change = client.post(
        f"{TIERS}{silver.pk}/change/",
        {"name": "Silver", "slug": "silver", "threshold": "1.00", "topup_percent": "50.00"},
    )
    assert change.status_code == 403
    assert not UserTier.objects.exists()
    assert VipTier.objects.get(pk=silver.pk).topup_percent == D("2.00")


def test_shoppers_tiers_are_read_only(client):
    staff_in(client, "Finance")
    assert client.get("/admin/gamification/usertier/").status_code == 200
    assert client.get("/admin/gamification/usertier/add/").status_code == 403
