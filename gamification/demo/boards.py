"""Demo leaderboards: `monthly-earnings` and `weekly-points`, and twenty demo players with
confirmed cashback this month and last month (two tied in each), recorded and confirmed
through the wallet's own services so that wallet_audit holds."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import demo_user
from offers.models import Merchant, Network
from wallet.models import CashbackEvent
from wallet.services.cashback import cashback_record
from wallet.services.confirmation import cashback_confirm

from ..models import Activity, Leaderboard
from ..services.leaderboard_live import leaderboards_refresh
from ..services.leaderboard_periods import Period, site_today
from ..services.points import points_award

PLAYER_PASSWORD = "player-pass-123"  # noqa: S105 (published demo password, as README)
NAMES = [
    ("Avery", "Stone"), ("Blake", "Rivera"), ("Casey", "Nguyen"), ("Drew", "Patel"),
    ("Emery", "Kim"), ("Finley", "Garcia"), ("Gray", "Okafor"), ("Harper", "Rossi"),
    ("Indigo", "Larsen"), ("Jules", "Moreau"), ("Kai", "Tanaka"), ("Lane", "Schmidt"),
    ("Morgan", "Silva"), ("Noel", "Dubois"), ("Oakley", "Novak"), ("Parker", "Haddad"),
    ("Quinn", "Ivanova"), ("Reese", "Costa"), ("Sage", "Mensah"), ("Tatum", "Berg"),
]  # fmt: skip
BOARDS = [
    {
        "slug": "monthly-earnings",
        "name": "Monthly earnings",
        "type": Leaderboard.Type.EARNINGS,
        "frequency": Leaderboard.Frequency.MONTHLY,
        "prize_table": [
            {"ranks": "1", "amount": "25.00"},
            {"ranks": "2", "amount": "15.00"},
            {"ranks": "3", "amount": "10.00"},
        ],
    },
    {
        "slug": "weekly-points",
        "name": "Weekly points",
        "type": Leaderboard.Type.POINTS,
        "frequency": Leaderboard.Frequency.WEEKLY,
        "prize_table": [{"ranks": "1", "amount": "5.00"}, {"ranks": "2-3", "amount": "2.00"}],
    },
]


def player_cashback(n: int, month: str) -> Decimal:
    """Player n's confirmed cashback: falling by rank, players 2 and 3 tied (this month
    they share rank 2 and split its prize and rank 3's: 12.50 each)."""
    n = 2 if n == 3 else n
    return Decimal(120 - 5 * n) if month == "this" else Decimal(90 - 4 * n)


def seed() -> list[str]:
    for spec in BOARDS:
        Leaderboard.objects.update_or_create(slug=spec["slug"], defaults=spec)
    network = Network.objects.get(slug="demo")
    merchant = Merchant.objects.filter(network=network).order_by("pk").first()
    now = timezone.now()
    month_start = site_today(now).replace(day=1)
    last_month = (month_start - timedelta(days=1)).replace(day=15)
    for n, (first, last) in enumerate(NAMES, start=1):
        player = demo_user(
            email=f"player{n:02d}@savebucks.test",
            password=PLAYER_PASSWORD,
            first_name=first,
            last_name=last,
        )
        for month, confirmed_at in (
            ("this", max(now - timedelta(hours=n), _midnight(month_start) + timedelta(hours=n))),
            ("last", _midnight(last_month) + timedelta(hours=n)),
        ):
            _confirmed(
                player, network, merchant, f"DEMO-LB-{month}-{n:02d}", month, n, confirmed_at
            )
        points_award(
            user=player,
            kind=Activity.Kind.CASHBACK,
            points=int(player_cashback(n, "this")) * 10,
            idempotency_key=f"demo:leaderboard-points:{n}:{site_today(now)}",
            reference=f"demo:player{n:02d}",
            description="Demo points for the weekly board",
        )
    ranked = leaderboards_refresh(now=now)
    return [
        f"boards   {', '.join(f'{slug} ({count} ranked)' for slug, count in ranked.items())}; "
        f"players player01..player{len(NAMES):02d}@savebucks.test / {PLAYER_PASSWORD}"
    ]


def _midnight(day):
    return Period(day, None).start_at


def _confirmed(player, network, merchant, txn_id, month, n, confirmed_at) -> None:
    cashback = player_cashback(n, month)
    event = cashback_record(
        user_id=player.pk,
        network=network,
        merchant=merchant,
        offer_id=None,
        click_uuid=uuid.uuid5(uuid.NAMESPACE_URL, f"savebucks-demo/{txn_id}"),
        txn_id=txn_id,
        sale_amount=cashback * 10,
        commission=cashback,
        cashback=cashback,
        currency="USD",
        network_status="approved",
    ).event
    if event.status == CashbackEvent.Status.PENDING:
        cashback_confirm(event=event)
    # Dated into its month: leaderboards count cashback by when it confirmed.
    CashbackEvent.objects.filter(pk=event.pk).update(
        confirmed_at=confirmed_at, sale_at=confirmed_at - timedelta(days=1)
    )
