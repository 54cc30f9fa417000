"""/postback/conversion/: an advertiser reports that a partner's click converted."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from affiliates.models import Conversion, Link, Partner, PartnerGoalCommission
from affiliates.tests.factories import LinkFactory, PartnerFactory
from campaigns.models import Campaign, Goal
from campaigns.tests.factories import CampaignFactory, GoalFactory
from tracking.models import AffiliateClick, PostbackLog
from wallet.models import Entry, Transaction

from .factories import AffiliateClickFactory

pytestmark = pytest.mark.django_db

D = Decimal
TOKEN = "conversion-token-1"
URL = "/postback/conversion/"


@pytest.fixture
def link():
    campaign = CampaignFactory(slug="shoes", token=TOKEN)
    GoalFactory(campaign=campaign, tracking_code="DEMOSALE01")  # fixed 10.00, the default
    return LinkFactory(campaign=campaign, sub1="link-default")


def _params(click, **overrides):
    params = {
        "token": TOKEN,
        "click_id": str(click.click_id),
        "goal": "DEMOSALE01",
        "txn_id": "C1",
        "amount": "50.00",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def _post(client, click, **overrides):
    return client.get(URL, _params(click, **overrides))


def _state():
    """What a refused postback must leave as it was."""
    return (
        list(Conversion.objects.order_by("pk").values_list("pk", "status", "commission")),
        list(Link.objects.order_by("pk").values_list("pk", "conversions_count", "earnings")),
        Transaction.objects.count(),
        Entry.objects.count(),
    )


def test_a_conversion_for_a_fixed_goal_earns_the_goals_commission(client, link):
    click = AffiliateClickFactory(link=link, sub1="abc", sub2="s2", sub3="s3")

    response = _post(client, click)

    assert response.status_code == 200
    conversion = Conversion.objects.get()
    assert response.json() == {
        "status": "ok",
        "conversion": {
            "id": conversion.pk,
            "status": "pending",
            "on_hold": False,
            "goal": "DEMOSALE01",
            "commission": "10.00",
            "currency": "USD",
        },
        "duplicate": False,
    }
    assert (conversion.partner, conversion.campaign, conversion.link) == (
        link.partner,
        link.campaign,
        link,
    )
    assert (conversion.click_uuid, conversion.clicked_at) == (click.click_id, click.created_at)
    assert (conversion.txn_id, conversion.amount, conversion.commission) == (
        "C1",
        D("50.00"),
        D("10.00"),
    )
    assert (conversion.sub1, conversion.sub2, conversion.sub3) == ("abc", "s2", "s3")
    assert (conversion.on_hold, conversion.hold_reasons, conversion.reason) == (False, [], "")
    assert (conversion.approved_at, conversion.payable_at, conversion.credited_at) == (
        None,
        None,
        None,
    )
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (1, D("10.00"))
    assert Transaction.objects.count() == 0  # nothing is owed until approved and held
    log = PostbackLog.objects.get()
    assert (
        log.kind,
        log.source,
        log.authenticated,
        log.txn_id,
        log.conversion,
        log.outcome,
        log.http_status,
        log.code,
    ) == ("conversion", "shoes", True, "C1", conversion, "success", 200, "")
    assert log.query["click_id"] == str(click.click_id)


def test_a_percentage_goal_earns_its_share_of_the_amount_rounded_half_up(client, link):
    GoalFactory(
        campaign=link.campaign,
        tracking_code="PCTGOAL001",
        is_default=False,
        commission_type=Goal.CommissionType.PERCENTAGE,
        commission_value=D("5.0000"),
    )

    response = _post(client, AffiliateClickFactory(link=link), goal="PCTGOAL001", amount="12.50")

    # 5% of 12.50 is 0.625: half-up makes it 0.63 (banker's rounding would say 0.62).
    assert response.json()["conversion"]["commission"] == "0.63"
    conversion = Conversion.objects.get()
    assert (conversion.goal.tracking_code, conversion.amount, conversion.commission) == (
        "PCTGOAL001",
        D("12.50"),
        D("0.63"),
    )


def test_a_partners_own_rate_wins_over_the_goals(client, link):
    goal = Goal.objects.get(tracking_code="DEMOSALE01")
    PartnerGoalCommission.objects.create(
        partner=link.partner, goal=goal, commission_type="percentage", commission_value=D("20")
    )
    other = LinkFactory(campaign=link.campaign)

    mine = _post(client, AffiliateClickFactory(link=link), txn_id="C1", amount="80.00")
    theirs = _post(client, AffiliateClickFactory(link=other), txn_id="C2", amount="80.00")

    assert mine.json()["conversion"]["commission"] == "16.00"  # 20% of 80.00
    assert theirs.json()["conversion"]["commission"] == "10.00"  # the goal's fixed 10.00
    assert dict(Conversion.objects.values_list("txn_id", "commission")) == {
        "C1": D("16.00"),
        "C2": D("10.00"),
    }


def test_without_a_goal_the_campaigns_default_goal_is_used(client, link):
    GoalFactory(
        campaign=link.campaign,
        tracking_code="LEADGOAL01",
        is_default=False,
        commission_value=D("2.5000"),
    )

    default = _post(client, AffiliateClickFactory(link=link), goal=None, txn_id="C1")
    named = _post(
        client, AffiliateClickFactory(link=link), goal="leadgoal01", txn_id="C2"
    )  # any case

    assert (default.json()["conversion"]["goal"], default.json()["conversion"]["commission"]) == (
        "DEMOSALE01",
        "10.00",
    )
    assert (named.json()["conversion"]["goal"], named.json()["conversion"]["commission"]) == (
        "LEADGOAL01",
        "2.50",
    )


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_post_works_like_get(client, link, encoding):
    params = _params(AffiliateClickFactory(link=link), amount="40.00")
    if encoding == "json":
        response = client.post(
            URL, json.dumps({**params, "amount": 40.0}), content_type="application/json"
        )
    else:
        response = client.post(URL, params)

    assert response.status_code == 200
    assert Conversion.objects.get().amount == D("40.00")
    assert PostbackLog.objects.get().method == "POST"


def test_the_same_report_again_is_a_duplicate_and_changes_nothing(client, link):
    click = AffiliateClickFactory(link=link)
    first = _post(client, click)
    before = _state()

    again = _post(client, click, amount="999.00")

    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert _state() == before
    assert list(PostbackLog.objects.order_by("pk").values_list("outcome", "conversion")) == [
        ("success", Conversion.objects.get().pk),
        ("duplicate", Conversion.objects.get().pk),
    ]


def test_the_same_txn_id_in_another_campaign_is_another_conversion(client, link):
    other = LinkFactory(campaign=CampaignFactory(token="other-token"))
    GoalFactory(campaign=other.campaign, tracking_code="OTHERGOAL1")

    _post(client, AffiliateClickFactory(link=link), txn_id="SHARED")
    response = _post(
        client, AffiliateClickFactory(link=other), txn_id="SHARED", token="other-token", goal=None
    )

    assert response.json()["duplicate"] is False
    assert sorted(Conversion.objects.values_list("campaign_id", "txn_id")) == sorted(
        [(link.campaign_id, "SHARED"), (other.campaign_id, "SHARED")]
    )


# --- refusals ------------------------------------------------------------------------


def _assert_refused(response, before, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["status"], body["code"]) == ("error", code)
    assert body["detail"]
    assert _state() == before
    log = PostbackLog.objects.order_by("pk").last()
    assert (log.kind, log.outcome, log.http_status, log.code, log.conversion) == (
        "conversion",
        "failure",
        status,
        code,
        None,
    )


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"click_id": None}, 400, "missing_field"),
        ({"txn_id": " "}, 400, "missing_field"),
        ({"click_id": "{click_id}"}, 400, "invalid_click_id"),
        ({"click_id": str(uuid.UUID(int=7))}, 404, "unknown_click"),
        ({"goal": "NOSUCHGOAL"}, 400, "unknown_goal"),
        ({"goal": "PAUSEDGOAL"}, 400, "unknown_goal"),
        ({"amount": "-5.00"}, 400, "invalid_amount"),
        ({"amount": "NaN"}, 400, "invalid_amount"),
        ({"amount": "Infinity"}, 400, "invalid_amount"),
        ({"amount": "abc"}, 400, "invalid_amount"),
        ({"amount": "1,000.00"}, 400, "invalid_amount"),
        ({"amount": "1e30"}, 400, "invalid_amount"),
        ({"status": "paid"}, 400, "unknown_status"),
        # Another currency is converted; with no rate for it yet, nothing is recorded.
        ({"currency": "EUR"}, 422, "no_fx_rate"),
        ({"txn_id": "x" * 256}, 400, "invalid_txn_id"),
        ({"currency": "EURO"}, 400, "unsupported_currency"),
        ({"conversion_date": "yesterday"}, 400, "invalid_sale_date"),
    ],
)
def test_bad_postbacks_are_refused_with_a_code_and_record_nothing(
    client, link, overrides, status, code
):
    GoalFactory(
        campaign=link.campaign,
        tracking_code="PAUSEDGOAL",
        is_default=False,
        status=Goal.Status.PAUSED,
    )
    click = AffiliateClickFactory(link=link)
    before = _state()

    response = _post(client, click, **overrides)

    _assert_refused(response, before, status, code)
    log = PostbackLog.objects.get()
    assert (log.source, log.authenticated) == ("shoes", True)


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_a_missing_or_wrong_token_is_403_and_logged_unauthenticated(client, link, token):
    click = AffiliateClickFactory(link=link)
    before = _state()

    response = _post(client, click, token=token)

    _assert_refused(response, before, 403, "invalid_token")
    log = PostbackLog.objects.get()
    assert (log.source, log.authenticated, log.txn_id) == ("", False, "")


def test_another_campaigns_token_cannot_claim_this_click(client, link):
    other = CampaignFactory(token="other-token")
    GoalFactory(campaign=other, tracking_code="OTHERGOAL1")
    click = AffiliateClickFactory(link=link)
    before = _state()

    response = _post(client, click, token="other-token", goal=None)

    _assert_refused(response, before, 403, "wrong_campaign")
    assert PostbackLog.objects.get().source == other.slug


def test_a_campaign_without_a_default_goal_needs_one_named(client, link):
    Goal.objects.update(is_default=False)
    click = AffiliateClickFactory(link=link)
    before = _state()

    response = _post(client, click, goal=None)

    _assert_refused(response, before, 400, "no_default_goal")


# --- attribution window --------------------------------------------------------------


def test_a_click_older_than_the_attribution_window_is_refused(client, link):
    Campaign.objects.filter(pk=link.campaign_id).update(attribution_window_days=7)
    stale = AffiliateClickFactory(link=link, age=timedelta(days=7, minutes=1))
    before = _state()

    response = _post(client, stale)

    _assert_refused(response, before, 400, "outside_attribution_window")
    assert response.json()["detail"] == "The click is older than the 7-day window."


def test_a_click_just_inside_the_attribution_window_converts(client, link):
    Campaign.objects.filter(pk=link.campaign_id).update(attribution_window_days=7)

    response = _post(client, AffiliateClickFactory(link=link, age=timedelta(days=6, hours=23)))

    assert response.status_code == 200
    assert Conversion.objects.count() == 1


def test_a_status_update_after_the_window_closed_still_applies(client, link):
    """Advertisers approve weeks after the sale: the window bounds the sale, not the update."""
    Campaign.objects.filter(pk=link.campaign_id).update(attribution_window_days=7)
    click = AffiliateClickFactory(link=link, age=timedelta(days=2))
    _post(client, click)
    AffiliateClick.objects.filter(pk=click.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    Goal.objects.update(status=Goal.Status.PAUSED)  # and the goal has been retired since

    response = _post(client, click, status="approved")

    assert (response.status_code, response.json()["duplicate"]) == (200, False)
    assert Conversion.objects.get().status == "approved"


# --- status updates ------------------------------------------------------------------


def test_approval_sets_when_the_commission_becomes_payable(client, link):
    click = AffiliateClickFactory(link=link)
    _post(client, click)
    before = timezone.now()

    response = _post(client, click, status="approved")

    assert response.status_code == 200
    assert (response.json()["conversion"]["status"], response.json()["duplicate"]) == (
        "approved",
        False,
    )
    conversion = Conversion.objects.get()
    assert conversion.approved_at >= before
    assert conversion.payable_at == conversion.approved_at + timedelta(days=30)
    assert Transaction.objects.count() == 0  # credited only after the holding period
    again = _post(client, click, status="approved")
    assert again.json()["duplicate"] is True


def test_a_conversion_first_reported_approved_is_approved_at_once(client, link):
    Campaign.objects.filter(pk=link.campaign_id).update(holding_days=14)

    _post(client, AffiliateClickFactory(link=link), status="approved")

    conversion = Conversion.objects.get()
    assert conversion.status == "approved"
    assert conversion.payable_at == conversion.approved_at + timedelta(days=14)


@pytest.mark.parametrize("word", ["declined", "rejected", "DECLINED"])
def test_declining_takes_the_commission_off_the_links_earnings(client, link, word):
    click = AffiliateClickFactory(link=link)
    _post(client, click)

    response = _post(client, click, status=word)

    assert (response.status_code, response.json()["conversion"]["status"]) == (200, "declined")
    conversion = Conversion.objects.get()
    assert (conversion.status, conversion.reason) == ("declined", "Reported by the advertiser.")
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (1, D("0.00"))


def test_a_conversion_first_reported_declined_earns_nothing(client, link):
    _post(client, AffiliateClickFactory(link=link), status="declined")

    conversion = Conversion.objects.get()
    assert (conversion.status, conversion.reason) == ("declined", "Reported declined.")
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (1, D("0.00"))


@pytest.mark.parametrize(
    ("first", "then", "why"),
    [
        (
            "declined",
            "approved",
            "it was turned down for good; staff decide if that changed. "
            "It takes rejected or reversed.",
        ),
        (
            "declined",
            "pending",
            "it was turned down for good and cannot be reopened. It takes rejected or reversed.",
        ),
    ],
)
def test_a_move_outside_the_table_is_409_and_changes_nothing(client, link, first, then, why):
    click = AffiliateClickFactory(link=link)
    _post(client, click)
    _post(client, click, status=first)
    before = _state()
    updated_at = Conversion.objects.get().updated_at

    response = _post(client, click, status=then)

    _assert_refused(response, before, 409, "invalid_transition")
    assert response.json()["detail"] == f"Transaction C1 is {first}; it cannot become {then}: {why}"
    assert Conversion.objects.get().updated_at == updated_at


def test_approved_again_for_a_paid_conversion_is_a_duplicate(client, link):
    click = AffiliateClickFactory(link=link)
    _post(client, click, status="approved")
    Conversion.objects.update(status=Conversion.Status.PAID)
    before = _state()

    response = _post(client, click, status="approved")

    assert (response.status_code, response.json()["duplicate"]) == (200, True)
    assert _state() == before


# --- caps ----------------------------------------------------------------------------


def _capped(link, **caps):
    Campaign.objects.filter(pk=link.campaign_id).update(**caps)


def _report_many(client, link, count, **overrides):
    return [
        _post(client, AffiliateClickFactory(link=link), txn_id=f"C{i}", **overrides)
        for i in range(1, count + 1)
    ]


def test_a_daily_conversion_cap_refuses_the_one_over_it(client, link):
    _capped(link, daily_conversion_cap=2)
    _report_many(client, link, 2)
    before = _state()

    response = _post(client, AffiliateClickFactory(link=link), txn_id="C3")

    _assert_refused(response, before, 409, "cap_reached")
    assert response.json()["detail"] == "The campaign reached its daily conversion cap of 2."
    assert Conversion.objects.count() == 2


def test_a_sale_reported_declined_is_recorded_even_when_the_cap_is_full(client, link):
    _capped(link, daily_conversion_cap=1)
    _report_many(client, link, 1)

    response = _post(client, AffiliateClickFactory(link=link), txn_id="C2", status="declined")

    assert response.status_code == 200, response.content
    assert response.json()["conversion"]["status"] == "declined"
    assert sorted(Conversion.objects.values_list("txn_id", "status")) == [
        ("C1", "pending"),
        ("C2", "declined"),
    ]


def test_yesterdays_and_declined_conversions_do_not_count_toward_the_daily_cap(client, link):
    _capped(link, daily_conversion_cap=2)
    _report_many(client, link, 2)
    Conversion.objects.filter(txn_id="C1").update(created_at=timezone.now() - timedelta(days=1))
    _post(client, AffiliateClickFactory(link=link), txn_id="C2", status="declined")

    responses = [
        _post(client, AffiliateClickFactory(link=link), txn_id=t) for t in ("C3", "C4", "C5")
    ]

    assert [r.status_code for r in responses] == [200, 200, 409]
    assert sorted(Conversion.objects.values_list("txn_id", "status")) == [
        ("C1", "pending"),
        ("C2", "declined"),
        ("C3", "pending"),
        ("C4", "pending"),
    ]


def test_a_monthly_conversion_cap_counts_this_month_only(client, link):
    _capped(link, monthly_conversion_cap=3)
    _report_many(client, link, 3)
    # More than a month ago is always another calendar month.
    Conversion.objects.filter(txn_id="C1").update(created_at=timezone.now() - timedelta(days=40))

    responses = [_post(client, AffiliateClickFactory(link=link), txn_id=t) for t in ("C4", "C5")]

    assert [r.status_code for r in responses] == [200, 409]
    assert responses[1].json()["detail"] == "The campaign reached its monthly conversion cap of 3."
    assert Conversion.objects.count() == 4


def test_a_daily_payout_cap_refuses_the_commission_that_would_pass_it(client, link):
    _capped(link, daily_payout_cap=D("25.00"))

    responses = _report_many(client, link, 3)

    assert [r.status_code for r in responses] == [200, 200, 409]  # 10 + 10 + 10 > 25
    assert responses[2].json()["detail"] == "The campaign reached its daily payout cap of 25.00."
    assert Conversion.objects.count() == 2


def test_a_payout_cap_may_be_reached_exactly(client, link):
    _capped(link, monthly_payout_cap=D("20.00"))

    responses = _report_many(client, link, 3)

    assert [r.status_code for r in responses] == [200, 200, 409]
    assert responses[2].json()["detail"] == "The campaign reached its monthly payout cap of 20.00."


def test_over_the_cap_with_hold_records_it_on_hold(client, link):
    _capped(link, daily_conversion_cap=1, over_cap=Campaign.OverCap.HOLD)

    responses = _report_many(client, link, 3)

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.json()["conversion"]["on_hold"] for r in responses] == [False, True, True]
    assert list(
        Conversion.objects.order_by("txn_id").values_list("txn_id", "status", "hold_reasons")
    ) == [
        ("C1", "pending", []),
        ("C2", "pending", ["over_cap"]),
        ("C3", "pending", ["over_cap"]),
    ]
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (3, D("30.00"))


def test_zero_means_no_cap(client, link):
    campaign = Campaign.objects.get(pk=link.campaign_id)
    assert (
        campaign.daily_conversion_cap,
        campaign.monthly_conversion_cap,
        campaign.daily_payout_cap,
        campaign.monthly_payout_cap,
    ) == (0, 0, D("0.00"), D("0.00"))

    responses = _report_many(client, link, 6)

    assert [r.status_code for r in responses] == [200] * 6
    assert Conversion.objects.filter(on_hold=False).count() == 6


def test_a_status_update_is_not_counted_against_a_full_cap(client, link):
    _capped(link, daily_conversion_cap=1)
    click = AffiliateClickFactory(link=link)
    _post(client, click)

    response = _post(client, click, status="approved")

    assert (response.status_code, response.json()["conversion"]["status"]) == (200, "approved")


# --- fraud holds ---------------------------------------------------------------------


def test_a_conversion_from_the_partners_own_login_ip_is_held(client, link):
    User.objects.filter(pk=link.partner.user_id).update(last_login_ip="203.0.113.9")

    through_click = _post(client, AffiliateClickFactory(link=link, ip="203.0.113.9"), txn_id="C1")
    through_customer = _post(
        client, AffiliateClickFactory(link=link, ip="198.51.100.1"), txn_id="C2", ip="203.0.113.9"
    )
    someone_else = _post(
        client, AffiliateClickFactory(link=link, ip="198.51.100.1"), txn_id="C3", ip="198.51.100.2"
    )

    assert [r.json()["conversion"]["on_hold"] for r in (through_click, through_customer)] == [
        True,
        True,
    ]
    assert someone_else.json()["conversion"]["on_hold"] is False
    assert dict(Conversion.objects.values_list("txn_id", "hold_reasons")) == {
        "C1": ["partner_own_ip"],
        "C2": ["partner_own_ip"],
        "C3": [],
    }


def test_a_conversion_faster_than_a_person_could_buy_is_held(client, link, settings):
    settings.AFFILIATE_MIN_SECONDS_TO_CONVERT = 60

    fast = _post(client, AffiliateClickFactory(link=link, age=timedelta(seconds=20)), txn_id="C1")
    slow = _post(client, AffiliateClickFactory(link=link, age=timedelta(seconds=90)), txn_id="C2")

    assert (fast.status_code, fast.json()["conversion"]["on_hold"]) == (200, True)
    assert slow.json()["conversion"]["on_hold"] is False
    assert dict(Conversion.objects.values_list("txn_id", "hold_reasons")) == {
        "C1": ["too_fast"],
        "C2": [],
    }


def test_every_reason_is_kept(client, link, settings):
    settings.AFFILIATE_MIN_SECONDS_TO_CONVERT = 60
    User.objects.filter(pk=link.partner.user_id).update(last_login_ip="203.0.113.9")
    Partner.objects.filter(pk=link.partner_id).update(status=Partner.Status.SUSPENDED)
    _capped(link, daily_conversion_cap=1, over_cap=Campaign.OverCap.HOLD)
    _post(client, AffiliateClickFactory(link=link), txn_id="C0")

    _post(
        client,
        AffiliateClickFactory(link=link, ip="203.0.113.9", age=timedelta(seconds=5)),
        txn_id="C1",
    )

    assert Conversion.objects.get(txn_id="C1").hold_reasons == [
        "partner_own_ip",
        "too_fast",
        "partner_not_approved",
        "over_cap",
    ]


def test_a_held_conversion_still_answers_like_any_other(client, link):
    a_partner = PartnerFactory()
    User.objects.filter(pk=a_partner.user_id).update(last_login_ip="203.0.113.9")
    held_link = LinkFactory(partner=a_partner, campaign=link.campaign)

    response = _post(client, AffiliateClickFactory(link=held_link, ip="203.0.113.9"))

    assert response.status_code == 200
    assert response.json()["conversion"] == {
        "id": Conversion.objects.get().pk,
        "status": "pending",
        "on_hold": True,
        "goal": "DEMOSALE01",
        "commission": "10.00",
        "currency": "USD",
    }
