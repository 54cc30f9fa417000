"""What a confirmed cashback earns: points, the tier top-up, once per event."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.tests.factories import ReferralFactory, UserFactory
from config.testing import data_statements, race
from gamification import receivers
from gamification.models import Activity, PointsBalance
from gamification.services.bonus_money import VIP_TOPUP
from gamification.services.cashback_rewards import cashback_rewards
from gamification.services.points import AwardRequest, points_award_many, points_balance
from gamification.services.referral_points import referral_points
from gamification.tests.factories_tiers import demo_tiers, hold_tier
from wallet.models import Transaction
from wallet.services.confirmation import cashback_confirm, cashback_confirm_due
from wallet.tests.factories import balances, recorded_event

pytestmark = pytest.mark.django_db


def confirm(user, cashback: str, capture):
    event = recorded_event(user, cashback=cashback)
    with capture(execute=True):
        cashback_confirm(event=event)
    return event


def test_a_confirmed_cashback_earns_points_per_unit_rounded_down(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    event = confirm(user, "12.39", django_capture_on_commit_callbacks)

    row = Activity.objects.get(user=user)
    assert (row.kind, row.points, row.idempotency_key) == ("cashback", 123, f"cashback:{event.pk}")
    assert points_balance(user) == (123, 123)
    # No tier: cashback and nothing else.
    assert balances(user)["available"] == D("12.39")
    assert not Transaction.objects.filter(kind=VIP_TOPUP).exists()


@override_settings(CASHBACK_POINTS_PER_UNIT=3)
def test_the_rate_is_a_setting_and_a_rerun_awards_and_pays_nothing_new(
    django_capture_on_commit_callbacks,
):
    _, silver, gold = demo_tiers()
    user = UserFactory()
    hold_tier(user, gold)
    event = confirm(user, "20.00", django_capture_on_commit_callbacks)

    again = cashback_rewards(event_ids=[event.pk])
    # Even after the tier changed: the top-up was paid, the key is not posted again.
    hold_tier(user, silver)
    third = cashback_rewards(event_ids=[event.pk])

    assert (again.points_awarded, again.topups_paid) == (0, 0)
    assert (third.points_awarded, third.topups_paid) == (0, 0)
    assert points_balance(user) == (60, 60)
    assert balances(user)["available"] == D("21.00")  # 20.00 + 5 % of it
    assert Transaction.objects.filter(kind=VIP_TOPUP).count() == 1


def test_gold_top_up_is_its_own_transaction_with_a_memo_on_the_statement(
    client, django_capture_on_commit_callbacks
):
    _, _, gold = demo_tiers()
    user = UserFactory()
    hold_tier(user, gold)
    event = confirm(user, "33.33", django_capture_on_commit_callbacks)

    topup = Transaction.objects.get(kind=VIP_TOPUP)
    assert topup.idempotency_key == f"vip-topup:{event.pk}"
    assert topup.memo == f"Gold tier top-up, 5% of cashback #{event.pk}"
    # 5 % of 33.33 is 1.6665: rounded down to the cent.
    assert balances(user)["available"] == D("33.33") + D("1.66")
    client.force_login(user)
    assert topup.memo in client.get("/wallet/statement/").content.decode()
    call_command("wallet_audit")
    call_command("gamification_audit")


def test_bronze_at_zero_percent_and_a_shopper_without_tier_post_nothing(
    django_capture_on_commit_callbacks,
):
    bronze, silver, _ = demo_tiers()
    bronzed, silvered, untiered = UserFactory(), UserFactory(), UserFactory()
    hold_tier(bronzed, bronze)
    hold_tier(silvered, silver)
    events = [recorded_event(u, cashback="50.00") for u in (bronzed, silvered, untiered)]
    with django_capture_on_commit_callbacks(execute=True):
        for event in events:
            cashback_confirm(event=event)

    assert list(Transaction.objects.filter(kind=VIP_TOPUP).values_list("memo", flat=True)) == [
        f"Silver tier top-up, 2% of cashback #{events[1].pk}"
    ]
    assert [balances(u)["available"] for u in (bronzed, silvered, untiered)] == [
        D("50.00"),
        D("51.00"),
        D("50.00"),
    ]
    assert [points_balance(u) for u in (bronzed, silvered, untiered)] == [(500, 500)] * 3


def test_an_event_not_confirmed_earns_nothing():
    user = UserFactory()
    event = recorded_event(user, cashback="10.00")
    assert cashback_rewards(event_ids=[event.pk]).points_awarded == 0
    assert not Activity.objects.exists()


def test_the_job_confirms_many_events_and_awards_them_in_one_batch(
    django_capture_on_commit_callbacks, monkeypatch
):
    users = UserFactory.create_batch(3)
    for user in users:
        recorded_event(user, cashback="1.00", status="approved")
        recorded_event(user, cashback="2.50", status="approved")
    batches = []
    monkeypatch.setattr(
        "gamification.tasks.cashback_rewards",
        lambda event_ids: batches.append(event_ids) or cashback_rewards(event_ids=event_ids),
    )
    with django_capture_on_commit_callbacks(execute=True):
        cashback_confirm_due()
    assert [len(b) for b in batches] == [6]
    assert [points_balance(u) for u in users] == [(35, 35)] * 3
    assert Activity.objects.count() == 6
    call_command("gamification_audit")


def test_points_award_many_counts_each_key_once_and_keeps_the_audit():
    a, b = UserFactory(), UserFactory()
    batch = [
        AwardRequest(user_id=a.pk, kind="cashback", points=10, idempotency_key="k1"),
        AwardRequest(user_id=a.pk, kind="cashback", points=5, idempotency_key="k2"),
        AwardRequest(user_id=b.pk, kind="cashback", points=7, idempotency_key="k3"),
        AwardRequest(user_id=b.pk, kind="cashback", points=0, idempotency_key="nothing"),
    ]
    assert points_award_many(batch) == 3
    assert points_award_many(batch) == 0
    more = [*batch, AwardRequest(user_id=b.pk, kind="cashback", points=1, idempotency_key="k4")]
    assert points_award_many(more) == 1
    assert (points_balance(a), points_balance(b)) == ((15, 15), (8, 8))
    assert not Activity.objects.filter(idempotency_key="nothing").exists()
    call_command("gamification_audit")


def test_a_batch_writes_one_insert_and_one_balance_update_per_shopper():
    users = UserFactory.create_batch(3)
    batch = [
        AwardRequest(user_id=u.pk, kind="cashback", points=n, idempotency_key=f"{u.pk}:{n}")
        for u in users
        for n in (1, 2, 3)
    ]
    with data_statements() as statements:
        points_award_many(batch)
    assert statements == [
        "SELECT gamification_activity",
        "INSERT gamification_activity",
        "INSERT gamification_pointsbalance",
        *["UPDATE gamification_pointsbalance"] * 3,
    ]
    assert [points_balance(u) for u in users] == [(6, 6)] * 3


def test_points_award_many_takes_no_spends():
    user = UserFactory()
    with pytest.raises(ValueError):
        points_award_many(
            [AwardRequest(user_id=user.pk, kind="cashback", points=-1, idempotency_key="x")]
        )
    assert not PointsBalance.objects.exists()


def test_a_key_another_worker_took_meanwhile_falls_back_row_by_row(monkeypatch):
    user = UserFactory()
    batch = [
        AwardRequest(user_id=user.pk, kind="cashback", points=10, idempotency_key="k1"),
        AwardRequest(user_id=user.pk, kind="cashback", points=4, idempotency_key="k2"),
    ]
    from gamification.services import points as points_module

    real_filter = Activity.objects.filter

    def stale_lookup(*args, **kwargs):
        # The lookup saw no keys; then another worker awarded k1.
        if "idempotency_key__in" in kwargs:
            points_module.points_award(user=user, kind="cashback", points=10, idempotency_key="k1")
            return Activity.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(points_module.Activity.objects, "filter", stale_lookup)
    assert points_award_many(batch) == 1
    monkeypatch.undo()
    assert points_balance(user) == (14, 14)
    assert Activity.objects.filter(user=user).count() == 2


@override_settings(REFERRAL_POINTS=250)
def test_a_referral_becoming_active_gives_the_referrer_points_once(
    django_capture_on_commit_callbacks,
):
    referral = ReferralFactory()
    recorded_event(referral.referred, cashback="4.00", status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        cashback_confirm_due()
    assert referral_points(referral_ids=[referral.pk]) == 0  # a rerun

    row = Activity.objects.get(user=referral.referrer)
    assert (row.kind, row.points, row.idempotency_key) == (
        "referral",
        250,
        f"referral:{referral.pk}",
    )
    # The friend earned their cashback points, not the referral's.
    assert points_balance(referral.referred) == (40, 40)
    assert points_balance(referral.referrer) == (250, 250)


def test_a_pending_referral_earns_nothing():
    referral = ReferralFactory()
    assert referral_points(referral_ids=[referral.pk]) == 0
    assert not Activity.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_rewarding_the_same_events_at_once_award_and_pay_each_once(monkeypatch):
    _, _, gold = demo_tiers()
    users = UserFactory.create_batch(3)
    for user in users:
        hold_tier(user, gold)
    events = [recorded_event(u, cashback="10.00") for u in users for _ in range(2)]
    # Confirmed without their after-commit task: the racing workers below are it.
    idle = SimpleNamespace(delay=lambda **kwargs: None)
    monkeypatch.setattr(receivers, "tasks", SimpleNamespace(reward_confirmed_cashback=idle))
    for event in events:
        cashback_confirm(event=event)
    assert not Activity.objects.exists()
    ids = [e.pk for e in events]

    results = race(6, lambda i: cashback_rewards(event_ids=ids))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.points_awarded for r in results) == 6
    assert sum(r.topups_paid for r in results) == 6
    assert [points_balance(u) for u in users] == [(200, 200)] * 3
    assert [balances(u)["available"] for u in users] == [D("21.00")] * 3
    call_command("wallet_audit")
    call_command("gamification_audit")
