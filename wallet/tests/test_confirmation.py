import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from accounts.tests.factories import ReferralFactory, UserFactory
from support.models import Notification
from wallet.models import CashbackEvent, Transaction
from wallet.services import confirmation
from wallet.services.audit import wallet_audit
from wallet.services.confirmation import cashback_confirm_due

from .factories import balances, recorded_event

pytestmark = pytest.mark.django_db

D = Decimal


def test_due_events_are_network_approved_or_past_their_lock_period():
    user = UserFactory()
    approved_early = recorded_event(user, cashback="1.00", status="approved", lock_days=60)
    locked_out = recorded_event(user, cashback="2.00", lock_days=30, age_days=31)
    still_locked = recorded_event(user, cashback="4.00", lock_days=30, age_days=29)
    waits_for_network = recorded_event(
        user, cashback="8.00", lock_days=30, age_days=40, auto_confirm=False
    )
    rejected = recorded_event(user, cashback="16.00", status="rejected", age_days=90)

    report = cashback_confirm_due()

    assert (report.confirmed, report.amount) == (2, D("3.00"))
    statuses = dict(CashbackEvent.objects.values_list("pk", "status"))
    assert statuses == {
        approved_early.pk: "confirmed",
        locked_out.pk: "confirmed",
        still_locked.pk: "pending",
        waits_for_network.pk: "pending",
        rejected.pk: "rejected",
    }
    assert balances(user) == {"available": D("3.00"), "pending": D("12.00"), "hold": D("0.00")}


def test_running_again_changes_nothing():
    user = UserFactory()
    recorded_event(user, cashback="7.25", status="approved")
    cashback_confirm_due()
    before = (balances(user), Transaction.objects.count())

    again = cashback_confirm_due()

    assert (again.confirmed, again.batches) == (0, 0)
    assert (balances(user), Transaction.objects.count()) == before


def test_stopped_after_its_first_batch_and_run_again_each_event_is_credited_once():
    users = [UserFactory() for _ in range(3)]
    for n in range(7):
        recorded_event(users[n % 3], cashback=f"{n + 1}.00", status="approved")

    first = cashback_confirm_due(batch_size=3, limit=3)  # stops after one batch
    rest = cashback_confirm_due(batch_size=3)

    assert (first.confirmed, first.batches) == (3, 1)
    assert (rest.confirmed, rest.batches) == (4, 2)
    assert Transaction.objects.filter(kind="cashback.confirm").count() == 7
    assert [balances(u)["available"] for u in users] == [D("12.00"), D("7.00"), D("9.00")]
    assert all(balances(u)["pending"] == 0 for u in users)
    assert wallet_audit() == []


def test_a_batch_that_dies_half_way_leaves_nothing_and_the_rerun_finishes(monkeypatch):
    user = UserFactory()
    for n in range(4):
        recorded_event(user, cashback="1.00", status="approved", txn=f"K{n}")
    real = confirmation.confirm_locked_events
    calls = []

    def dies_in_second_batch(events, now, actor=None):
        calls.append(len(events))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(events, now, actor)

    monkeypatch.setattr(confirmation, "confirm_locked_events", dies_in_second_batch)
    with pytest.raises(RuntimeError, match="worker killed"):
        cashback_confirm_due(batch_size=2)
    monkeypatch.undo()

    assert CashbackEvent.objects.filter(status="confirmed").count() == 2
    assert balances(user)["available"] == D("2.00")
    cashback_confirm_due(batch_size=2)
    assert CashbackEvent.objects.filter(status="confirmed").count() == 4
    assert balances(user) == {"available": D("4.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert Transaction.objects.filter(kind="cashback.confirm").count() == 4
    assert wallet_audit() == []


def test_a_batch_killed_after_posting_rolls_back_and_the_rerun_credits_each_event_once(
    monkeypatch,
):
    user = UserFactory()
    for n in range(4):
        recorded_event(user, cashback="1.00", status="approved", txn=f"P{n}")
    real = confirmation.confirm_locked_events
    calls = []

    def dies_after_posting_the_second_batch(events, now, actor=None):
        rewards = real(events, now, actor)
        calls.append(len(events))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return rewards

    monkeypatch.setattr(confirmation, "confirm_locked_events", dies_after_posting_the_second_batch)
    with pytest.raises(RuntimeError, match="worker killed"):
        cashback_confirm_due(batch_size=2)
    monkeypatch.undo()
    assert Transaction.objects.filter(kind="cashback.confirm").count() == 2
    assert balances(user)["available"] == D("2.00")

    assert cashback_confirm_due(batch_size=2).confirmed == 2
    assert cashback_confirm_due(batch_size=2).confirmed == 0
    assert balances(user) == {"available": D("4.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert Transaction.objects.filter(kind="cashback.confirm").count() == 4
    assert wallet_audit() == []


def test_dry_run_counts_and_changes_nothing():
    user = UserFactory()
    recorded_event(user, cashback="2.50", status="approved")
    recorded_event(user, cashback="1.25", status="approved")

    report = cashback_confirm_due(dry_run=True)

    assert (report.confirmed, report.amount) == (2, D("3.75"))
    assert CashbackEvent.objects.filter(status="pending").count() == 2
    assert balances(user)["available"] == D("0.00")


def test_shoppers_are_told_in_app_and_by_email(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="happy@example.com")
    recorded_event(user, cashback="3.00", status="approved", merchant=None)
    recorded_event(user, cashback="2.00", status="approved")

    with django_capture_on_commit_callbacks(execute=True):
        cashback_confirm_due()

    assert sorted(Notification.objects.filter(user=user).values_list("title", flat=True)) == [
        "Cashback confirmed: USD 2.00",
        "Cashback confirmed: USD 3.00",
    ]
    assert [m.to for m in mailoutbox] == [["happy@example.com"]]
    assert mailoutbox[0].subject == "Your cashback is confirmed and ready to withdraw"


def test_the_confirm_cashback_command():
    recorded_event(UserFactory(), cashback="9.99", status="approved")
    out = io.StringIO()

    call_command("confirm_cashback", "--dry-run", stdout=out)
    call_command("confirm_cashback", stdout=out)

    assert out.getvalue().splitlines() == [
        "Would confirm 1 cashback event(s) worth 9.99",
        "Confirmed 1 cashback event(s) worth 9.99 in 1 batch(es); 0 referral reward(s) paid.",
    ]


@override_settings(REFERRAL_BONUS_REFERRER=D("5.00"), REFERRAL_BONUS_REFERRED=D("1.00"))
def test_first_confirmed_cashback_of_a_referred_friend_pays_the_bonus_once():
    referral = ReferralFactory()
    friend, referrer = referral.referred, referral.referrer
    recorded_event(friend, cashback="4.00", status="approved")
    recorded_event(friend, cashback="6.00", status="approved")

    report = cashback_confirm_due(batch_size=1)
    recorded_event(friend, cashback="3.00", status="approved")
    cashback_confirm_due()

    referral.refresh_from_db()
    assert report.referral_rewards == 2  # the referrer's bonus and the friend's welcome
    assert (referral.status, referral.total_earned) == ("active", D("5.00"))
    assert referral.activated_at is not None
    assert balances(referrer)["available"] == D("5.00")
    assert balances(friend)["available"] == D("14.00")  # 13.00 cashback + 1.00 welcome
    assert Transaction.objects.filter(kind="referral.bonus").count() == 2
    assert wallet_audit() == []


@override_settings(REFERRAL_BONUS_REFERRER=D("5.00"), REFERRAL_BONUS_REFERRED=D("1.00"))
def test_a_sale_charged_back_to_nothing_activates_no_referral():
    referral = ReferralFactory()
    recorded_event(referral.referred, cashback="0.00", commission="2.00", status="approved")

    report = cashback_confirm_due()

    referral.refresh_from_db()
    assert (report.confirmed, report.referral_rewards) == (1, 0)
    assert (referral.status, referral.total_earned) == ("pending", D("0.00"))
    assert not Transaction.objects.filter(kind="referral.bonus").exists()


@override_settings(
    REFERRAL_BONUS_REFERRER=D("0"), REFERRAL_SHARE_PERCENT=D("10"), REFERRAL_SHARE_DAYS=30
)
def test_optional_share_of_the_friends_cashback_for_n_days():
    referral = ReferralFactory()
    recorded_event(referral.referred, cashback="8.00", status="approved")
    recorded_event(referral.referred, cashback="5.55", status="approved")

    cashback_confirm_due()

    referral.refresh_from_db()
    assert balances(referral.referrer)["available"] == D("1.36")  # 0.80 + 0.56 (0.555 half up)
    assert referral.total_earned == D("1.36")
    assert referral.status == "active"
