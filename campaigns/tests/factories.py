from decimal import Decimal

import factory

from campaigns.models import Campaign, Goal
from config.tokens import hash_token


class CampaignFactory(factory.django.DjangoModelFactory):
    """An active, public campaign on example.com; `token` sets its conversion token."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    class Params:
        token = factory.Sequence(lambda n: f"campaign-token-{n}")

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    status = Campaign.Status.ACTIVE
    visibility = Campaign.Visibility.PUBLIC
    default_destination_url = "https://example.com/landing"
    fallback_url = "https://example.com/"
    allowed_domains = "example.com"
    attribution_window_days = 30
    holding_days = 30
    postback_token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    postback_token_hint = factory.LazyAttribute(lambda o: o.token[-4:])


class GoalFactory(factory.django.DjangoModelFactory):
    """The campaign's default goal: a fixed 10.00 per sale."""

    class Meta:
        model = Goal

    campaign = factory.SubFactory(CampaignFactory)
    name = "Sale"
    commission_type = Goal.CommissionType.FIXED
    commission_value = Decimal("10.0000")
    is_default = True
