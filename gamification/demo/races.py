"""Demo races and challenges: the live monthly race `demo-race` ranked by this month's
figure, the demo shopper linked (and verified) to uid QBbCmlNl63xCjX3S7OZL, the uid of
seed 004's sample, a few rivals, and one live challenge. Run twice, it resets them."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import demo_user
from accounts.models import User

from ..models import Challenge, ExternalAccount, Race, RaceParticipant
from ..services.races import race_rerank

DEMO_UID = "QBbCmlNl63xCjX3S7OZL"
# (email, first name, uid, this month's figure): rivals around the sample's 45000.
RIVALS = [
    ("racer1@savebucks.test", "Riley", "demoRacer0000000001", Decimal("61000.00")),
    ("racer2@savebucks.test", "Sam", "demoRacer0000000002", Decimal("38000.00")),
    ("racer3@savebucks.test", "Taylor", "demoRacer0000000003", Decimal("38000.00")),
    ("racer4@savebucks.test", "Uma", "demoRacer0000000004", Decimal("12500.00")),
]
DISTRIBUTION = [
    {"ranks": "1", "percent": "50"},
    {"ranks": "2", "percent": "25"},
    {"ranks": "3", "percent": "15"},
]


def seed() -> list[str]:
    now = timezone.now()
    admin = User.objects.filter(email="admin@savebucks.test").first()
    shopper = User.objects.get(email="demo@savebucks.test")
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    race, _ = Race.objects.update_or_create(
        slug="demo-race",
        defaults={
            "title": "Demo monthly race",
            "type": Race.Type.MONTHLY,
            "status": Race.Status.LIVE,
            "metric": Race.Metric.THIS_MONTH,
            "prize_pool": Decimal("100.00"),
            "prize_distribution": DISTRIBUTION,
            "min_metric": Decimal("1000.00"),
            "starts_at": month_start,
            "ends_at": next_month,
            "repeat": True,
            "description": "Climb the partner platform's monthly table; the top 3 share the pool.",
            "rules": "Ranked by this month's figure the partner reports. Ties share prizes.",
            "created_by": admin,
        },
    )
    players = [(shopper, DEMO_UID, Decimal("45000.00"))]
    for email, first_name, uid, total in RIVALS:
        # Demo accounts, like accounts.demo's: a known password is the point.
        user = demo_user(
            email=email,
            password="racer-pass-123",  # noqa: S106
            first_name=first_name,
            last_name="Racer",
        )
        players.append((user, uid, total))
    race.participants.all().delete()
    for user, uid, total in players:
        ExternalAccount.objects.update_or_create(
            user=user,
            provider=ExternalAccount.Provider.PARTNER,
            defaults={"uid": uid, "verified_at": now, "verified_by": admin},
        )
        # Four points spread over the race so far: on the 1st, days back would fall
        # before the race started.
        history = [
            {
                "at": (month_start + (now - month_start) * step / 4).isoformat(),
                "total": str(total * step / 4),
            }
            for step in (1, 2, 3, 4)
        ]
        RaceParticipant.objects.create(
            race=race, user=user, total=total, history=history, reached_at=now
        )
    race_rerank(race)
    Challenge.objects.update_or_create(
        title="Share your best haul",
        defaults={
            "description": "Post a photo of this month's best cashback purchase and link it.",
            "prize_amount": Decimal("5.00"),
            "max_winners": 3,
            "starts_at": now - timedelta(days=1),
            "ends_at": now + timedelta(days=30),
            "status": Challenge.Status.LIVE,
        },
    )
    return [
        f"race     demo-race (live, this_month): demo shopper as uid {DEMO_UID} + "
        f"{len(RIVALS)} rivals",
        "challenge 'Share your best haul' (live, 5.00, 3 winners)",
    ]
