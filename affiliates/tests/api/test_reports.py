"""GET /api/v1/partner/reports/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from affiliates.models import DailyClicks
from campaigns.tests.factories import CampaignFactory, GoalFactory

from ..factories import LinkFactory
from ..support import record_conversion

pytestmark = pytest.mark.django_db

D = Decimal
REPORTS = reverse("api-partner-reports")


@pytest.fixture
def reported(partner):
    """Today: 15 clicks and three conversions (one declined) for the partner, split by
    sub1 and goal; plus another partner's numbers that must never show."""
    today = timezone.localdate()
    campaign = CampaignFactory(name="Report campaign")
    sale = GoalFactory(campaign=campaign, name="Sale")
    lead = GoalFactory(campaign=campaign, name="Lead", is_default=False, commission_value=D("2.5"))
    link = LinkFactory(partner=partner, campaign=campaign)
    DailyClicks.objects.create(
        partner=partner, link=link, campaign=campaign, day=today, sub1="abc", clicks=10,
        unique_clicks=8,
    )  # fmt: skip
    DailyClicks.objects.create(
        partner=partner, link=link, campaign=campaign, day=today, sub1="", clicks=5,
        unique_clicks=5,
    )  # fmt: skip
    DailyClicks.objects.create(
        partner=partner, link=link, campaign=campaign, day=today - timedelta(days=40), sub1="abc",
        clicks=100, unique_clicks=100,
    )  # fmt: skip
    record_conversion(link, goal=sale, sub1="abc")
    record_conversion(link, goal=lead, sub1="abc")
    record_conversion(link, goal=sale, sub1="abc", status="declined")
    record_conversion(link, goal=sale, sub1="")
    other = LinkFactory(campaign=campaign)
    DailyClicks.objects.create(
        partner=other.partner, link=other, campaign=campaign, day=today, sub1="abc", clicks=1000,
        unique_clicks=900,
    )  # fmt: skip
    record_conversion(other, goal=sale, sub1="abc")
    return {"today": today, "campaign": campaign, "sale": sale, "lead": lead}


def test_report_by_sub1(api, reported):
    response = api.get(REPORTS, {"group_by": "sub1"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "group": "",
            "label": "",
            "clicks": 5,
            "unique_clicks": 5,
            "conversions": 1,
            "earnings": "10.00",
            "conversion_rate": "20.00",
        },
        {
            "group": "abc",
            "label": "abc",
            "clicks": 10,
            "unique_clicks": 8,
            "conversions": 2,
            "earnings": "12.50",
            "conversion_rate": "20.00",
        },
    ]


def test_report_by_campaign_goal_and_day(api, reported):
    today = reported["today"].isoformat()

    by_campaign = api.get(REPORTS, {"group_by": "campaign"}).json()
    by_goal = api.get(REPORTS, {"group_by": "goal"}).json()
    by_day = api.get(REPORTS, {"group_by": "day"}).json()

    pk = reported["campaign"].pk
    assert [(r["group"], r["label"], r["clicks"], r["conversions"]) for r in by_campaign] == [
        (str(pk), "Report campaign", 15, 3)
    ]
    assert sorted(
        (r["group"], r["clicks"], r["unique_clicks"], r["conversions"], r["earnings"])
        for r in by_goal
    ) == sorted(
        [
            (reported["sale"].tracking_code, None, None, 2, "20.00"),
            (reported["lead"].tracking_code, None, None, 1, "2.50"),
        ]
    )
    assert [(r["group"], r["clicks"], r["conversions"], r["earnings"]) for r in by_day] == [
        (today, 15, 3, "22.50")
    ]


def test_report_dates_choose_the_window(api, reported):
    long_ago = (reported["today"] - timedelta(days=40)).isoformat()

    old = api.get(REPORTS, {"group_by": "sub1", "date_from": long_ago, "date_to": long_ago})
    the_campaign = api.get(REPORTS, {"group_by": "sub1", "campaign": reported["campaign"].pk})
    another = api.get(REPORTS, {"group_by": "sub1", "campaign": CampaignFactory().pk})

    assert [(r["group"], r["clicks"], r["conversions"]) for r in old.json()] == [("abc", 100, 0)]
    assert len(the_campaign.json()) == 2
    assert another.json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "week"}, "group_by"),
        ({"group_by": "partner"}, "group_by"),
        ({"date_from": "2025-03-02", "date_to": "2025-03-01"}, "date_from"),
        ({"date_from": "2023-01-01", "date_to": "2025-01-01"}, "date_from"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2025-02-30"}, "date_to"),
        ({"campaign": "abc"}, "campaign"),
        ({"campaign": "0"}, "campaign"),
    ],
)
def test_bad_report_parameters_are_400(api, params, field):
    response = api.get(REPORTS, params)

    assert response.status_code == 400
    assert response.json().get("field") == field
    assert response.json()["code"] and response.json()["detail"]
