"""Conversions in another currency and dated by the advertiser: converted before the
commission is worked out, both amounts kept and shown, and counted on the day the
customer converted in every partner figure."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from affiliates.models import CampaignDailyStats, Conversion, PartnerDailyStats
from affiliates.selectors import partner_dashboard, partner_report
from affiliates.services.stats import daily_stats_refresh
from campaigns.models import Goal
from campaigns.tests.factories import CampaignFactory, GoalFactory
from tracking.models import AffiliateClick, PostbackLog
from tracking.tests.factories import AffiliateClickFactory
from wallet.models import FxRate, Transaction

from .factories import LinkFactory
from .support import key_client

pytestmark = pytest.mark.django_db

D = Decimal
TOKEN = "conversion-token-fx"
URL = "/postback/conversion/"


@pytest.fixture
def link():
    """A campaign paying 7.5% of the sale (its default goal), and a partner's link on it."""
    campaign = CampaignFactory(slug="shoes", token=TOKEN, attribution_window_days=30)
    GoalFactory(
        campaign=campaign,
        tracking_code="PCTGOAL001",
        commission_type=Goal.CommissionType.PERCENTAGE,
        commission_value=D("7.5"),
    )
    return LinkFactory(campaign=campaign)


def _click(link, days_ago=20):
    click = AffiliateClickFactory(link=link)
    AffiliateClick.objects.filter(pk=click.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return click


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _day(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def _convert(client, click, *, txn_id="C1", on: date | None = None, **extra):
    params = {"token": TOKEN, "click_id": str(click.click_id), "txn_id": txn_id, **extra}
    if on is not None:
        params["conversion_date"] = _noon(on).isoformat()
    return client.get(URL, params)


def test_a_eur_conversion_is_converted_before_the_commission(client, link):
    FxRate.objects.create(date=_day(5), currency="EUR", rate=D("1.1000"))
    FxRate.objects.create(date=_day(0), currency="EUR", rate=D("1.5000"))  # not the day's

    response = _convert(client, _click(link), on=_day(5), amount="80.00", currency="EUR")

    assert response.status_code == 200, response.content
    # EUR 80.00 * 1.10 = USD 88.00; 7.5% of it = 6.60.
    assert response.json()["conversion"]["commission"] == "6.60"
    assert response.json()["conversion"]["currency"] == "USD"
    conversion = Conversion.objects.get()
    assert (conversion.amount, conversion.commission, conversion.currency) == (
        D("88.00"),
        D("6.60"),
        "USD",
    )
    assert (conversion.original_currency, conversion.original_amount, conversion.fx_rate) == (
        "EUR",
        D("80.00"),
        D("1.1"),
    )
    assert conversion.converted_at == _noon(_day(5))


def test_the_rate_of_six_days_before_stands_in_and_eight_is_too_old(client, link):
    FxRate.objects.create(date=_day(16), currency="EUR", rate=D("1.2"))  # 6 days before
    FxRate.objects.create(date=_day(26), currency="EUR", rate=D("9.9"))  # 8 days before

    fallback = _convert(
        client, _click(link), txn_id="OK", on=_day(10), amount="10.00", currency="EUR"
    )
    before = Transaction.objects.count()
    too_old = _convert(
        client, _click(link), txn_id="OLD", on=_day(18), amount="10.00", currency="EUR"
    )

    assert fallback.status_code == 200, fallback.content
    assert Conversion.objects.values_list("txn_id", "amount", "fx_rate").get() == (
        "OK",
        D("12.00"),
        D("1.2"),
    )
    assert too_old.status_code == 422
    assert too_old.json()["code"] == "no_fx_rate"
    assert (Conversion.objects.count(), Transaction.objects.count()) == (1, before)
    log = PostbackLog.objects.get(txn_id="OLD")
    assert (log.outcome, log.http_status, log.code) == ("failure", 422, "no_fx_rate")


def test_the_partner_sees_both_amounts_and_the_conversion_date(client, link):
    FxRate.objects.create(date=_day(5), currency="EUR", rate=D("1.1"))
    _convert(client, _click(link), txn_id="EUR-1", on=_day(5), amount="80.00", currency="EUR")
    _convert(client, _click(link), txn_id="USD-1", on=_day(2), amount="40.00")
    api, _key = key_client(link.partner)
    client.force_login(link.partner.user)

    rows = api.get("/api/v1/partner/conversions/").json()["results"]
    page = client.get(reverse("affiliates:conversions")).content.decode()

    assert [
        (
            r["txn_id"],
            r["amount"],
            r["commission"],
            r["currency"],
            r["original_currency"],
            r["original_amount"],
            r["fx_rate"],
            r["converted_at"],
        )
        for r in rows
    ] == [
        ("USD-1", "40.00", "3.00", "USD", "", None, None, f"{_day(2)}T12:00:00Z"),
        ("EUR-1", "88.00", "6.60", "USD", "EUR", "80.00", "1.1000000000", f"{_day(5)}T12:00:00Z"),
    ]
    assert "EUR 80.00 at 1.100000" in page
    assert page.index("USD-1") < page.index("EUR-1")


def test_the_partner_list_is_in_order_of_conversion_not_of_report(client, link):
    _convert(client, _click(link), txn_id="LATE", on=_day(9), amount="10.00")  # reported first
    _convert(client, _click(link), txn_id="EARLY", on=_day(3), amount="10.00")
    _convert(client, _click(link), txn_id="MIDDLE", on=_day(6), amount="10.00")
    api, _key = key_client(link.partner)

    rows = api.get("/api/v1/partner/conversions/").json()["results"]
    oldest_first = api.get("/api/v1/partner/conversions/", {"ordering": "converted_at"}).json()

    assert [r["txn_id"] for r in rows] == ["EARLY", "MIDDLE", "LATE"]
    assert [r["txn_id"] for r in oldest_first["results"]] == ["LATE", "MIDDLE", "EARLY"]


def test_partner_figures_count_a_late_report_on_the_day_it_converted(client, link):
    # Reported today, converted 12 days ago: the report, the dashboard and the daily stats
    # (which recount 35 days by default) put it on its day, not today.
    _convert(client, _click(link), on=_day(12), amount="100.00")

    report = partner_report(
        partner=link.partner, group_by="day", date_from=_day(14), date_to=_day(0)
    )
    dashboard = partner_dashboard(partner=link.partner, days=30)
    daily_stats_refresh()

    assert [(r["group"], r["conversions"], r["earnings"]) for r in report] == [
        (_day(12).isoformat(), 1, "7.50")
    ]
    by_day = {row["day"]: (row["conversions"], row["earnings"]) for row in dashboard.daily}
    assert by_day[_day(12).isoformat()] == (1, "7.50")
    assert by_day[_day(0).isoformat()] == (0, "0.00")
    assert list(PartnerDailyStats.objects.values_list("day", "conversions", "earnings")) == [
        (_day(12), 1, D("7.50"))
    ]


def test_the_daily_stats_reach_back_to_a_conversion_older_than_their_window(client, link):
    # Converted 40 days ago (a 60-day window), reported today: outside the 35 days the
    # stats recount, yet counted on its day, because it was reported within them.
    link.campaign.attribution_window_days = 60
    link.campaign.save(update_fields=["attribution_window_days"])
    _convert(client, _click(link, days_ago=45), on=_day(40), amount="100.00")

    daily_stats_refresh()

    assert list(CampaignDailyStats.objects.values_list("day", "conversions", "earnings")) == [
        (_day(40), 1, D("7.50"))
    ]
    assert list(PartnerDailyStats.objects.values_list("day", "conversions")) == [(_day(40), 1)]
