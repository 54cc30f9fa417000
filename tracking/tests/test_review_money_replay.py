"""Review: a postback refused for want of an FX rate is replayed as the report it was.

A report without a sale date is dated when we received it. Replayed days later, once
staff add the rate, it must still be that sale: dated when it was received, converted at
that day's rate, its attribution window running to then; not to the day of the replay,
whose rate may not exist (so it could never apply) or differ, and whose month is wrong."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from affiliates.models import Conversion
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from offers.tests.factories import NETWORK_TOKEN
from tracking.models import Click, PostbackLog
from wallet.models import CashbackEvent, FxRate

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

D = Decimal
AGO = timedelta(days=10)  # the report was received ten days before the replay


def _received_long_ago(response, code="no_fx_rate"):
    """The refused report's log, moved back to when it arrived; the rate of that day."""
    assert (response.status_code, response.json()["code"]) == (422, code)
    received_at = timezone.now().replace(microsecond=0) - AGO
    PostbackLog.objects.update(received_at=received_at)
    FxRate.objects.create(date=timezone.localdate(received_at), currency="EUR", rate=D("1.2000"))
    return received_at


def _replay():
    since = (timezone.now() - AGO - timedelta(days=1)).isoformat()
    call_command("replay_postbacks", "--since", since, stdout=io.StringIO())


def test_a_network_report_is_replayed_as_of_when_it_was_received(client):
    click = ClickFactory()
    Click.objects.filter(pk=click.pk).update(created_at=timezone.now() - 2 * AGO)
    response = client.get(
        f"/postback/{click.merchant.network.slug}/",
        {
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "EU-1",
            "sale_amount": "100.00",
            "commission": "20.00",
            "currency": "EUR",
        },
    )
    received_at = _received_long_ago(response)

    _replay()

    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.commission, event.fx_rate) == (
        D("120.00"),
        D("24.00"),
        D("1.2"),
    )
    assert event.sale_at == received_at


def test_a_conversion_is_replayed_as_of_when_it_was_received(client):
    campaign = CampaignFactory(token="conv-token", attribution_window_days=11)
    GoalFactory(campaign=campaign, commission_type="percentage", commission_value=D("10"))
    # Clicked 12 days before the replay: inside the window when the report arrived (2 days
    # after the click), outside it by the replay.
    click = AffiliateClickFactory(link=LinkFactory(campaign=campaign), age=AGO + timedelta(days=2))
    response = client.get(
        "/postback/conversion/",
        {
            "token": "conv-token",
            "click_id": str(click.click_id),
            "txn_id": "C1",
            "amount": "100.00",
            "currency": "EUR",
        },
    )
    received_at = _received_long_ago(response)

    _replay()

    conversion = Conversion.objects.get()
    assert (conversion.amount, conversion.commission, conversion.converted_at) == (
        D("120.00"),
        D("12.00"),
        received_at,
    )
