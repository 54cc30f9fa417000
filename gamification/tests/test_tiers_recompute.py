"""recompute_tiers: the trailing year's confirmed cashback, set-based, changes told."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from config.testing import data_statements
from gamification.models import UserTier
from gamification.services.tiers import daily_bonus_multiplier, recompute_tiers
from gamification.tests.factories_tiers import demo_tiers, hold_tier
from support.models import Notification
from wallet.models import CashbackEvent
from wallet.services.confirmation import cashback_confirm
from wallet.tests.factories import recorded_event

pytestmark = pytest.mark.django_db


def confirmed(user, cashback: str, days_ago: int = 0):
    event = recorded_event(user, cashback=cashback)
    cashback_confirm(event=event)
    if days_ago:
        CashbackEvent.objects.filter(pk=event.pk).update(
            confirmed_at=timezone.now() - timedelta(days=days_ago)
        )
    return event


def tiers_of(*users):
    held = dict(UserTier.objects.values_list("user_id", "tier__slug"))
    return [held.get(u.pk) for u in users]


def test_each_shopper_gets_the_highest_tier_their_year_reaches(
    django_capture_on_commit_callbacks,
):
    demo_tiers()
    small, silver, gold, old, none = UserFactory.create_batch(5)
    confirmed(small, "10.00")
    confirmed(silver, "60.00")
    confirmed(silver, "40.00", days_ago=364)  # exactly 100.00 in the window
    confirmed(gold, "500.00")
    confirmed(old, "900.00", days_ago=366)  # outside the window: no tier
    with django_capture_on_commit_callbacks(execute=True):
        report = recompute_tiers()

    assert tiers_of(small, silver, gold, old, none) == ["bronze", "silver", "gold", None, None]
    assert (report.shoppers, report.changed) == (3, 3)
    titles = dict(Notification.objects.values_list("user_id", "title"))
    assert titles == {
        small.pk: "You reached Bronze",
        silver.pk: "You reached Silver",
        gold.pk: "You reached Gold",
    }
    assert daily_bonus_multiplier(gold) == D("2.00")
    assert daily_bonus_multiplier(none) == D("1")


def test_a_rerun_changes_and_tells_nothing(django_capture_on_commit_callbacks):
    demo_tiers()
    user = UserFactory()
    confirmed(user, "150.00")
    recompute_tiers()
    since = UserTier.objects.get(user=user).since
    with django_capture_on_commit_callbacks(execute=True):
        report = recompute_tiers()
    assert report.changed == 0
    assert not Notification.objects.exists()
    assert UserTier.objects.get(user=user).since == since


def test_falling_out_of_the_window_moves_down_and_out(django_capture_on_commit_callbacks):
    bronze, silver, gold = demo_tiers()
    down, out = UserFactory(), UserFactory()
    hold_tier(down, gold)
    confirmed(down, "120.00")
    hold_tier(out, silver)  # held from before; no cashback in the window now
    bronze.delete()  # no tier at zero: out means no tier at all
    with django_capture_on_commit_callbacks(execute=True):
        report = recompute_tiers()
    assert tiers_of(down, out) == ["silver", None]
    assert report.changed == 2
    assert dict(Notification.objects.values_list("user_id", "title")) == {
        down.pk: "Your VIP tier is now Silver",
        out.pk: "Your VIP tier has ended",
    }


def test_statements_do_not_grow_with_shoppers():
    demo_tiers()

    def run(count):
        for user in UserFactory.create_batch(count):
            confirmed(user, "150.00")
        UserTier.objects.all().delete()
        with data_statements() as statements:
            recompute_tiers()
        return statements

    assert len(run(2)) == len(run(8))


def test_the_command_recomputes(capsys):
    demo_tiers()
    user = UserFactory()
    confirmed(user, "600.00")
    call_command("recompute_tiers")
    assert tiers_of(user) == ["gold"]
    assert "1 shoppers, 1 tier changes." in capsys.readouterr().out
