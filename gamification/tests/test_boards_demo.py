"""Issue 14's acceptance on the demo data: `monthly-earnings` ranks with the tie sharing a
rank, and settle_leaderboards pays last month's prizes once with wallet_audit holding."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from wallet.models import Transaction

from ..models import LeaderboardEntry
from ..services.bonus_money import PRIZE
from .test_boards_settle import prizes_paid

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_boards_rank_the_tie_together_and_settle_last_month_once(client):
    call_command("seed_demo", force=True, stdout=StringIO())
    players = {u.email[:8]: u for u in User.objects.filter(email__startswith="player")}

    entries = client.get("/api/v1/leaderboards/monthly-earnings/").json()["entries"]

    # Within the tie, the first to reach the score is listed first (depends on the clock).
    assert [entries[0], *sorted(entries[1:3], key=lambda e: e["name"])] == [
        {"rank": 1, "name": "Avery S.", "score": "115.00", "prize": "25.00"},
        {"rank": 2, "name": "Blake R.", "score": "110.00", "prize": "12.50"},
        {"rank": 2, "name": "Casey N.", "score": "110.00", "prize": "12.50"},
    ]
    assert entries[3]["rank"] == 4
    # The twenty players, and the demo shopper with points for their confirmed cashback.
    assert len(client.get("/api/v1/leaderboards/weekly-points/").json()["entries"]) == 21

    first = StringIO()
    call_command("settle_leaderboards", stdout=first)

    assert "Paid 3 prize(s) worth 50.00." in first.getvalue()
    assert prizes_paid() == {
        players["player01"].pk: Decimal("25.00"),
        players["player02"].pk: Decimal("12.50"),
        players["player03"].pk: Decimal("12.50"),
    }
    assert LeaderboardEntry.objects.filter(leaderboard__slug="monthly-earnings").count() == 20

    second = StringIO()
    call_command("settle_leaderboards", stdout=second)

    assert "Paid 0 prize(s) worth 0.00." in second.getvalue()
    assert Transaction.objects.filter(kind=PRIZE).count() == 3
    call_command("wallet_audit", stdout=StringIO())
