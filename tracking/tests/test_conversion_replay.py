"""A conversion postback refused for want of an FX rate is logged and, once staff add the
rate, applied by `replay_postbacks`, exactly once however often it runs."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from affiliates.models import Conversion
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from tracking.models import PostbackLog
from wallet.models import FxRate

from .factories import AffiliateClickFactory

pytestmark = pytest.mark.django_db


def test_a_conversion_waiting_for_a_rate_is_replayed_once_it_exists(client):
    campaign = CampaignFactory(token="conv-token")
    GoalFactory(campaign=campaign, commission_type="percentage", commission_value=Decimal("10"))
    click = AffiliateClickFactory(link=LinkFactory(campaign=campaign))
    query = {
        "token": "conv-token",
        "click_id": str(click.click_id),
        "txn_id": "C1",
        "amount": "100.00",
        "currency": "EUR",
    }
    refused = client.get("/postback/conversion/", query)
    assert (refused.status_code, refused.json()["code"]) == (422, "no_fx_rate")
    assert not Conversion.objects.exists()
    since = (timezone.now() - timedelta(minutes=5)).isoformat()

    FxRate.objects.create(date=timezone.localdate(), currency="EUR", rate=Decimal("1.2000"))
    out = io.StringIO()
    call_command("replay_postbacks", "--since", since, "--campaign", campaign.slug, stdout=out)
    call_command("replay_postbacks", "--since", since, stdout=io.StringIO())

    conversion = Conversion.objects.get()
    assert (conversion.amount, conversion.commission, conversion.original_amount) == (
        Decimal("120.00"),
        Decimal("12.00"),
        Decimal("100.00"),
    )
    assert "1 success" in out.getvalue()
    replays = PostbackLog.objects.filter(method="REPLAY", kind="conversion")
    assert sorted(replays.values_list("outcome", flat=True)) == ["duplicate", "success"]
    assert "conv-token" not in str(list(PostbackLog.objects.values_list("query", flat=True)))
