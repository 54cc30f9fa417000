"""Sale dates on both postbacks: `sale_date` (network) and `conversion_date` (conversion),
ISO 8601 or Unix seconds, between the click and now; stored beside the received time."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from affiliates.models import Conversion
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from offers.tests.factories import NETWORK_TOKEN
from tracking.models import AffiliateClick, Click, PostbackLog
from wallet.models import CashbackEvent, Transaction
from wallet.selectors import monthly_earnings

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

D = Decimal
BERLIN = ZoneInfo("Europe/Berlin")
CONVERSION_TOKEN = "conversion-token-dates"


@dataclass
class Sender:
    """One postback kind: how to send a sale dated `raw`, and where its date lands."""

    field: str
    clicked_at: datetime
    send: object  # (client, raw date or None, **params) -> response
    recorded: object  # () -> queryset of what a sale writes

    def stored(self) -> datetime:
        row = self.recorded().get()
        return row.sale_at if isinstance(row, CashbackEvent) else row.converted_at


def _network_sender(clicked_at):
    click = ClickFactory()
    Click.objects.filter(pk=click.pk).update(created_at=clicked_at)
    url = f"/postback/{click.merchant.network.slug}/"

    def send(client, raw, **extra):
        params = {
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "T1",
            "sale_amount": "100.00",
            "commission": "8.00",
            **extra,
        }
        if raw is not None:
            params["sale_date"] = raw
        return client.get(url, params)

    return Sender("sale_date", clicked_at, send, CashbackEvent.objects.all)


def _conversion_sender(clicked_at):
    campaign = CampaignFactory(token=CONVERSION_TOKEN, attribution_window_days=30)
    GoalFactory(campaign=campaign, tracking_code="DEMOSALE01")
    click = AffiliateClickFactory(link=LinkFactory(campaign=campaign))
    AffiliateClick.objects.filter(pk=click.pk).update(created_at=clicked_at)

    def send(client, raw, **extra):
        params = {
            "token": CONVERSION_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "C1",
            "amount": "50.00",
            **extra,
        }
        if raw is not None:
            params["conversion_date"] = raw
        return client.get("/postback/conversion/", params)

    return Sender("conversion_date", clicked_at, send, Conversion.objects.all)


@pytest.fixture(params=["network", "conversion"])
def sender(request):
    """A click ten days ago, on either postback."""
    clicked_at = timezone.now().replace(microsecond=0) - timedelta(days=10)
    make = _network_sender if request.param == "network" else _conversion_sender
    return make(clicked_at)


def _day(days_ago: int):
    return timezone.localdate() - timedelta(days=days_ago)


def _assert_refused(response, sender, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"].startswith(sender.field)  # names the sender's field
    assert sender.recorded().count() == 0
    assert Transaction.objects.count() == 0
    log = PostbackLog.objects.get()
    assert (log.outcome, log.http_status, log.code) == ("failure", status, code)


def test_iso_with_an_offset_is_that_instant(client, sender):
    day = _day(5)

    response = sender.send(client, f"{day}T10:00:00+02:00")

    assert response.status_code == 200, response.content
    assert sender.stored() == datetime.combine(day, time(8), tzinfo=UTC)


def test_naive_iso_is_read_in_the_sites_time_zone(client, sender, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    day = _day(5)

    response = sender.send(client, f"{day} 10:00:00")

    assert response.status_code == 200, response.content
    assert sender.stored() == datetime.combine(day, time(10), tzinfo=BERLIN)


def test_a_date_alone_is_the_start_of_that_day(client, sender, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    day = _day(5)

    response = sender.send(client, day.isoformat())

    assert response.status_code == 200, response.content
    assert sender.stored() == datetime.combine(day, time.min, tzinfo=BERLIN)


def test_unix_seconds(client, sender):
    moment = sender.clicked_at + timedelta(days=2, hours=3)

    response = sender.send(client, str(int(moment.timestamp())))

    assert response.status_code == 200, response.content
    assert sender.stored() == moment


def test_no_date_means_the_time_it_was_received(client, sender):
    before = timezone.now()

    response = sender.send(client, None)

    assert response.status_code == 200, response.content
    assert before <= sender.stored() <= timezone.now()


@pytest.mark.parametrize(
    "raw",
    [
        "yesterday",
        "2026-13-01",
        "2026-11-30T25:00",
        "12345",
        "1e9",
        "\u0662\u0660\u0662\u0666-11-30",
    ],
)
def test_garbage_is_refused(client, sender, raw):
    _assert_refused(sender.send(client, raw), sender, 400, "invalid_sale_date")


def test_only_ascii_digits_name_a_date(client, sender):
    """Django's date parsers read any script's digits; amounts refuse them, dates too."""
    today = timezone.localdate().isoformat()
    arabic_indic = today.translate({ord(d): 0x0660 + int(d) for d in "0123456789"})

    _assert_refused(sender.send(client, arabic_indic), sender, 400, "invalid_sale_date")


def test_a_sale_before_its_click_is_refused(client, sender):
    raw = (sender.clicked_at - timedelta(minutes=1)).isoformat()

    _assert_refused(sender.send(client, raw), sender, 400, "invalid_sale_date")


def test_a_sale_in_the_future_is_refused(client, sender):
    raw = (timezone.now() + timedelta(hours=1)).isoformat()

    _assert_refused(sender.send(client, raw), sender, 400, "invalid_sale_date")


def test_a_sale_dated_the_clicks_own_day_counts_from_the_click(client, sender):
    # "That day" without a time is midnight, before the click: the click's time stands in.
    response = sender.send(client, timezone.localdate(sender.clicked_at).isoformat())

    assert response.status_code == 200, response.content
    assert sender.stored() == sender.clicked_at


def test_a_late_report_lands_in_the_month_of_its_sale(client):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    sender = _network_sender(datetime.combine(last_month, time(9), tzinfo=UTC))
    event_user = Click.objects.get().user

    response = sender.send(client, f"{last_month}T18:30:00Z")

    assert response.status_code == 200, response.content
    chart = monthly_earnings(user=event_user, months=2, today=today)
    assert chart == [
        {"month": last_month.strftime("%b %Y"), "confirmed": "0.00", "pending": "8.00"},
        {"month": today.strftime("%b %Y"), "confirmed": "0.00", "pending": "0.00"},
    ]


def test_the_attribution_window_runs_from_click_to_conversion(client):
    # Clicked 40 days ago; the advertiser reports today what converted on day 10 of a
    # 30-day window (accepted) and on day 31 (refused).
    clicked_at = timezone.now().replace(microsecond=0) - timedelta(days=40)
    sender = _conversion_sender(clicked_at)

    inside = sender.send(client, (clicked_at + timedelta(days=10)).isoformat(), txn_id="IN")
    outside = sender.send(client, (clicked_at + timedelta(days=31)).isoformat(), txn_id="OUT")

    assert inside.status_code == 200, inside.content
    assert outside.status_code == 400
    assert outside.json()["code"] == "outside_attribution_window"
    conversion = Conversion.objects.get()
    assert (conversion.txn_id, conversion.converted_at) == ("IN", clicked_at + timedelta(days=10))


def test_without_a_date_the_window_still_runs_to_the_report(client):
    sender = _conversion_sender(timezone.now() - timedelta(days=31))

    response = sender.send(client, None)

    assert response.status_code == 400
    assert response.json()["code"] == "outside_attribution_window"
    assert Conversion.objects.count() == 0
