"""Factories for races, external accounts and challenges."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from gamification.models import (
    Challenge,
    ChallengeEntry,
    ExternalAccount,
    Race,
    RaceParticipant,
)


class ExternalAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalAccount

    user = factory.SubFactory(UserFactory)
    provider = ExternalAccount.Provider.PARTNER
    uid = factory.Sequence(lambda n: f"uid{n:05d}")
    verified_at = factory.LazyFunction(timezone.now)


class RaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Race

    title = factory.Sequence(lambda n: f"Race {n}")
    slug = factory.Sequence(lambda n: f"race-{n}")
    type = Race.Type.CUSTOM
    status = Race.Status.LIVE
    metric = Race.Metric.THIS_MONTH
    prize_pool = Decimal("100.00")
    prize_distribution = factory.LazyFunction(
        lambda: [{"ranks": "1", "percent": "50"}, {"ranks": "2-3", "percent": "20"}]
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RaceParticipant

    race = factory.SubFactory(RaceFactory)
    user = factory.SubFactory(UserFactory)
    total = Decimal("0.00")
    reached_at = factory.LazyFunction(timezone.now)


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    title = factory.Sequence(lambda n: f"Challenge {n}")
    description = "Show us your haul."
    prize_amount = Decimal("5.00")
    max_winners = 2
    status = Challenge.Status.LIVE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))


class ChallengeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeEntry

    challenge = factory.SubFactory(ChallengeFactory)
    user = factory.SubFactory(UserFactory)
    proof_url = "https://photos.example.com/haul.jpg"
