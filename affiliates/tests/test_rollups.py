"""Affiliate clicks rolled up into DailyClicks and link totals, and the partner numbers
read from them: the dashboard and the reports by day, campaign, goal and sub1."""

import io
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from affiliates.models import Conversion, DailyClicks, Link
from affiliates.selectors import partner_dashboard, partner_report
from affiliates.tests.factories import LinkFactory, PartnerFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.errors import Refusal
from tracking.models import AffiliateClick
from tracking.services.rollups import counters_roll_up

pytestmark = pytest.mark.django_db

D = Decimal
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
NOTHING_NEW = {"offer_views": 0, "offer_clicks": 0, "offer_conversions": 0, "affiliate_clicks": 0}


def _noon(day):
    return datetime.combine(day, time(12), tzinfo=UTC)


def _visit(client, link, *, day, sub1=None, agent=CHROME, ip="198.51.100.1"):
    """A click through /go/, then moved to noon of `day` (in the past, so settled)."""
    params = {"sub1": sub1} if sub1 is not None else {}
    client.get(
        reverse("tracking:go", args=[link.slug]), params, HTTP_USER_AGENT=agent, REMOTE_ADDR=ip
    )
    click = AffiliateClick.objects.latest("pk")
    AffiliateClick.objects.filter(pk=click.pk).update(created_at=_noon(day))
    return click


def _convert(client, click, *, token, txn_id, day, goal=None, amount="50.00", status=None):
    params = {"token": token, "click_id": str(click.click_id), "txn_id": txn_id, "amount": amount}
    if goal:
        params["goal"] = goal
    if status:
        params["status"] = status
    response = client.get("/postback/conversion/", params)
    assert response.status_code == 200, response.content
    # Converted and reported that day (reports count by the day it converted).
    Conversion.objects.filter(txn_id=txn_id).update(created_at=_noon(day), converted_at=_noon(day))


@pytest.fixture
def world(client):
    """Partner P: link L1 on campaign C1 (goals DEMOSALE01 fixed 10.00 and PCTGOAL001 at
    7.5%), link L2 on campaign C2 (goal C2GOAL0001 fixed 4.00). Partner Q: link L3 on C1.
    Clicks three days ago (A) and yesterday (B)."""
    today = timezone.localdate()
    day_a, day_b = today - timedelta(days=3), today - timedelta(days=1)
    partner, other = PartnerFactory(), PartnerFactory()
    c1 = CampaignFactory(name="Shoes", token="tok-c1")
    c2 = CampaignFactory(name="Bags", token="tok-c2")
    GoalFactory(campaign=c1, tracking_code="DEMOSALE01")
    GoalFactory(
        campaign=c1,
        tracking_code="PCTGOAL001",
        is_default=False,
        commission_type="percentage",
        commission_value=D("7.5"),
    )
    GoalFactory(campaign=c2, tracking_code="C2GOAL0001", commission_value=D("4"))
    l1 = LinkFactory(partner=partner, campaign=c1)
    l2 = LinkFactory(partner=partner, campaign=c2)
    l3 = LinkFactory(partner=other, campaign=c1)
    LinkFactory(partner=partner, campaign=c1, status=Link.Status.PAUSED)  # not counted
    clicks = {
        "abc": _visit(client, l1, day=day_b, sub1="abc"),
        "abc-again": _visit(client, l1, day=day_b, sub1="abc"),  # the same visitor: not unique
        "abc-firefox": _visit(client, l1, day=day_b, sub1="abc", agent=FIREFOX),
        "abc-bot": _visit(client, l1, day=day_b, sub1="abc", agent=GOOGLEBOT),
        "xyz": _visit(client, l1, day=day_a, sub1="xyz", ip="198.51.100.2"),
        "l2-1": _visit(client, l2, day=day_b, ip="198.51.100.3"),
        "l2-2": _visit(client, l2, day=day_b, ip="198.51.100.4"),
    }
    for i in range(3):
        _visit(client, l3, day=day_b, ip=f"198.51.100.{10 + i}")
    return {
        "today": today,
        "day_a": day_a,
        "day_b": day_b,
        "partner": partner,
        "other": other,
        "c1": c1,
        "c2": c2,
        "l1": l1,
        "l2": l2,
        "l3": l3,
        "clicks": clicks,
    }


def _daily():
    return sorted(
        DailyClicks.objects.values_list(
            "partner_id", "link_id", "campaign_id", "day", "sub1", "clicks", "unique_clicks"
        )
    )


def _link_totals(*links):
    return [
        Link.objects.values_list("clicks_count", "unique_clicks_count").get(pk=link.pk)
        for link in links
    ]


def test_the_rollup_turns_clicks_into_daily_rows_and_link_totals_once(world):
    p, q = world["partner"].pk, world["other"].pk
    l1, l2, l3 = world["l1"], world["l2"], world["l3"]
    c1, c2 = world["c1"].pk, world["c2"].pk
    day_a, day_b = world["day_a"], world["day_b"]

    assert counters_roll_up() == {**NOTHING_NEW, "affiliate_clicks": 10}

    assert _daily() == sorted(
        [
            (p, l1.pk, c1, day_b, "abc", 4, 2),
            (p, l1.pk, c1, day_a, "xyz", 1, 1),
            (p, l2.pk, c2, day_b, "", 2, 2),
            (q, l3.pk, c1, day_b, "", 3, 3),
        ]
    )
    assert _link_totals(l1, l2, l3) == [(5, 3), (2, 2), (3, 3)]

    assert counters_roll_up() == NOTHING_NEW
    assert len(_daily()) == 4
    assert _link_totals(l1, l2, l3) == [(5, 3), (2, 2), (3, 3)]


def test_later_clicks_add_to_the_days_row(world, client):
    counters_roll_up()
    _visit(client, world["l1"], day=world["day_b"], sub1="abc", ip="198.51.100.9")
    _visit(client, world["l1"], day=world["today"] - timedelta(days=2), sub1="abc")

    assert counters_roll_up()["affiliate_clicks"] == 2

    rows = DailyClicks.objects.filter(link=world["l1"], sub1="abc").order_by("day")
    assert list(rows.values_list("day", "clicks", "unique_clicks")) == [
        # The first visitor, a day before its first visit: a window of its own.
        (world["today"] - timedelta(days=2), 1, 1),
        (world["day_b"], 5, 3),
    ]
    assert _link_totals(world["l1"]) == [(7, 5)]


def test_clicks_younger_than_the_settling_time_wait_for_the_next_run(world, client):
    counters_roll_up()
    client.get(reverse("tracking:go", args=[world["l1"].slug]), {"sub1": "new"})

    assert counters_roll_up()["affiliate_clicks"] == 0
    assert DailyClicks.objects.filter(sub1="new").count() == 0
    assert _link_totals(world["l1"]) == [(5, 3)]


def test_the_rollup_reads_in_batches_and_counts_each_click_once(world):
    runs = [counters_roll_up(batch_size=3)["affiliate_clicks"] for _ in range(5)]

    assert runs == [3, 3, 3, 1, 0]
    assert DailyClicks.objects.get(link=world["l1"], sub1="abc").clicks == 4
    assert _link_totals(world["l1"], world["l2"], world["l3"]) == [(5, 3), (2, 2), (3, 3)]


def test_the_command_rolls_up(world):
    out = io.StringIO()

    call_command("rollup_counters", stdout=out)

    assert "affiliate_clicks: 10 new row(s)" in out.getvalue()
    assert DailyClicks.objects.count() == 4


# --- what the partner sees -----------------------------------------------------------


@pytest.fixture
def converted(world, client):
    """P: P1 (L1, abc, fixed 10.00, pending, day B), P2 (L1, xyz, 7.5% of 200.00 = 15.00,
    approved, day A), P3 (L2, 4.00, declined, day B), P4 (L2, 4.00, paid, day B).
    Q: Q1 (L3, 10.00, pending, day B). Then the clicks are rolled up."""
    clicks, day_a, day_b = world["clicks"], world["day_a"], world["day_b"]
    _convert(client, clicks["abc"], token="tok-c1", txn_id="P1", day=day_b)
    _convert(
        client,
        clicks["xyz"],
        token="tok-c1",
        txn_id="P2",
        day=day_a,
        goal="PCTGOAL001",
        amount="200.00",
        status="approved",
    )
    _convert(client, clicks["l2-1"], token="tok-c2", txn_id="P3", day=day_b, status="declined")
    _convert(client, clicks["l2-2"], token="tok-c2", txn_id="P4", day=day_b, status="approved")
    Conversion.objects.filter(txn_id="P4").update(status=Conversion.Status.PAID)
    q_click = AffiliateClick.objects.filter(link=world["l3"]).first()
    _convert(client, q_click, token="tok-c1", txn_id="Q1", day=day_b)
    counters_roll_up()
    return world


def test_the_dashboard_shows_the_partners_own_numbers(converted):
    dashboard = partner_dashboard(partner=converted["partner"], today=converted["today"])

    assert (dashboard.links, dashboard.clicks, dashboard.unique_clicks) == (2, 7, 5)
    assert dashboard.conversions == 3  # P1, P2, P4: declined P3 does not count
    assert (dashboard.pending, dashboard.approved, dashboard.paid) == (
        D("10.00"),
        D("15.00"),
        D("4.00"),
    )
    assert dashboard.conversion_rate == D("42.86")  # 3 / 7
    assert len(dashboard.daily) == 30
    assert dashboard.daily[0]["day"] == (converted["today"] - timedelta(days=29)).isoformat()
    assert dashboard.daily[-1] == {
        "day": converted["today"].isoformat(),
        "clicks": 0,
        "conversions": 0,
        "earnings": "0.00",
    }
    assert [d for d in dashboard.daily if d["clicks"] or d["conversions"]] == [
        {"day": converted["day_a"].isoformat(), "clicks": 1, "conversions": 1, "earnings": "15.00"},
        {"day": converted["day_b"].isoformat(), "clicks": 6, "conversions": 2, "earnings": "14.00"},
    ]


def test_the_dashboard_window_leaves_out_older_days(converted):
    dashboard = partner_dashboard(partner=converted["partner"], today=converted["today"], days=2)

    # Only yesterday and today: day A (three days ago) is outside.
    assert (dashboard.clicks, dashboard.conversions) == (6, 2)
    assert (dashboard.pending, dashboard.approved, dashboard.paid) == (
        D("10.00"),
        D("0.00"),
        D("4.00"),
    )
    assert [d["day"] for d in dashboard.daily] == [
        converted["day_b"].isoformat(),
        converted["today"].isoformat(),
    ]


def test_another_partners_dashboard_is_theirs_alone(converted):
    dashboard = partner_dashboard(partner=converted["other"], today=converted["today"])

    assert (dashboard.links, dashboard.clicks, dashboard.unique_clicks) == (1, 3, 3)
    assert (dashboard.conversions, dashboard.pending, dashboard.conversion_rate) == (
        1,
        D("10.00"),
        D("33.33"),
    )


def _report(world, group_by, **filters):
    filters.setdefault("date_from", world["today"] - timedelta(days=29))
    filters.setdefault("date_to", world["today"])
    return partner_report(partner=world["partner"], group_by=group_by, **filters)


def test_the_report_by_day(converted):
    assert _report(converted, "day") == [
        {
            "group": converted["day_a"].isoformat(),
            "label": converted["day_a"].isoformat(),
            "clicks": 1,
            "unique_clicks": 1,
            "conversions": 1,
            "earnings": "15.00",
            "conversion_rate": "100.00",
        },
        {
            "group": converted["day_b"].isoformat(),
            "label": converted["day_b"].isoformat(),
            "clicks": 6,
            "unique_clicks": 4,
            "conversions": 2,
            "earnings": "14.00",
            "conversion_rate": "33.33",
        },
    ]


def test_the_report_by_campaign(converted):
    c1, c2 = converted["c1"], converted["c2"]

    assert _report(converted, "campaign") == [
        {
            "group": c1.pk,
            "label": "Shoes",
            "clicks": 5,
            "unique_clicks": 3,
            "conversions": 2,
            "earnings": "25.00",
            "conversion_rate": "40.00",
        },
        {
            "group": c2.pk,
            "label": "Bags",
            "clicks": 2,
            "unique_clicks": 2,
            "conversions": 1,
            "earnings": "4.00",
            "conversion_rate": "50.00",
        },
    ]


def test_the_report_by_goal_has_no_clicks(converted):
    def row(code, earnings):
        return {
            "group": code,
            "label": code,
            "clicks": None,
            "unique_clicks": None,
            "conversions": 1,
            "earnings": earnings,
            "conversion_rate": None,
        }

    assert _report(converted, "goal") == [
        row("C2GOAL0001", "4.00"),
        row("DEMOSALE01", "10.00"),
        row("PCTGOAL001", "15.00"),
    ]


def test_the_report_by_sub1(converted):
    def row(sub1, clicks, unique, conversions, earnings, rate):
        return {
            "group": sub1,
            "label": sub1,
            "clicks": clicks,
            "unique_clicks": unique,
            "conversions": conversions,
            "earnings": earnings,
            "conversion_rate": rate,
        }

    assert _report(converted, "sub1") == [
        row("", 2, 2, 1, "4.00", "50.00"),
        row("abc", 4, 2, 1, "10.00", "25.00"),
        row("xyz", 1, 1, 1, "15.00", "100.00"),
    ]


def test_the_report_filters_by_dates_and_campaign(converted):
    day_b = converted["day_b"]

    only_day_b = _report(converted, "sub1", date_from=day_b, date_to=day_b)
    only_c2 = _report(converted, "day", campaign_id=converted["c2"].pk)
    nothing = _report(converted, "day", date_from=converted["today"], date_to=converted["today"])

    assert [(r["group"], r["clicks"], r["conversions"]) for r in only_day_b] == [
        ("", 2, 1),
        ("abc", 4, 1),
    ]
    assert [(r["group"], r["clicks"], r["earnings"]) for r in only_c2] == [
        (day_b.isoformat(), 2, "4.00")
    ]
    assert nothing == []


def test_the_report_orders_campaigns_by_id_as_numbers(client):
    partner = PartnerFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    for pk in (10, 9):
        link = LinkFactory(partner=partner, campaign=CampaignFactory(pk=pk, name=f"C{pk}"))
        _visit(client, link, day=yesterday)
    counters_roll_up()

    report = partner_report(
        partner=partner, group_by="campaign", date_from=yesterday, date_to=yesterday
    )

    assert [r["group"] for r in report] == [9, 10]


def test_an_unknown_grouping_is_refused(converted):
    with pytest.raises(Refusal, match="group_by is one of day, campaign, goal, sub1") as refused:
        _report(converted, "partner")

    assert (refused.value.code, refused.value.field) == ("invalid_choice", "group_by")
