"""Partner postbacks out: which URLs hear about a conversion, what they are sent, and
which URLs a partner may save at all."""

import json
import socket
from decimal import Decimal
from urllib.parse import quote

import pytest

from accounts.tests.factories import SuperuserFactory
from affiliates.models import PartnerPostback, PostbackDelivery
from affiliates.services.conversions import conversion_set_status
from affiliates.services.deliveries import (
    PostbackRefused,
    deliveries_enqueue,
    postback_delete,
    postback_save,
)
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.testing import race

from .factories import LinkFactory, PartnerFactory, PostbackFactory
from .support import record_conversion

pytestmark = pytest.mark.django_db

ALL_MACROS = (
    "https://partner.example.org/pb?click={click_id}&s1={sub1}&s2={sub2}&s3={sub3}"
    "&txn={txn_id}&payout={payout}&goal={goal}&status={status}&campaign={campaign_id}"
)


@pytest.fixture
def setup():
    """A partner's link on a campaign with two goals."""
    partner = PartnerFactory()
    campaign = CampaignFactory()
    sale = GoalFactory(campaign=campaign, name="Sale")
    lead = GoalFactory(
        campaign=campaign, name="Lead", is_default=False, commission_value=Decimal("2.5")
    )
    link = LinkFactory(partner=partner, campaign=campaign)
    return partner, campaign, sale, lead, link


def _deliveries():
    return sorted(
        PostbackDelivery.objects.values_list("postback__url", "event", "conversion_id"),
    )


def test_a_new_conversion_queues_one_delivery_per_matching_active_url(setup):
    partner, campaign, sale, lead, link = setup
    everything = PostbackFactory(partner=partner, url="https://p.example.org/all")
    this_campaign = PostbackFactory(
        partner=partner, campaign=campaign, url="https://p.example.org/campaign"
    )
    PostbackFactory(partner=partner, campaign=CampaignFactory(), url="https://p.example.org/other")
    this_goal = PostbackFactory(
        partner=partner, campaign=campaign, goal=sale, url="https://p.example.org/sale"
    )
    PostbackFactory(partner=partner, campaign=campaign, goal=lead, url="https://p.example.org/lead")
    PostbackFactory(partner=partner, url="https://p.example.org/off", is_active=False)
    PostbackFactory(url="https://someone-else.example.org/all")  # another partner's

    conversion = record_conversion(link, goal=sale)

    assert _deliveries() == [
        ("https://p.example.org/all", "created", conversion.pk),
        ("https://p.example.org/campaign", "created", conversion.pk),
        ("https://p.example.org/sale", "created", conversion.pk),
    ]
    assert set(PostbackDelivery.objects.values_list("postback", flat=True)) == {
        everything.pk,
        this_campaign.pk,
        this_goal.pk,
    }
    assert set(PostbackDelivery.objects.values_list("status", "attempts")) == {("pending", 0)}


def test_each_status_change_queues_one_more_delivery_per_url(setup):
    partner, campaign, sale, lead, link = setup
    PostbackFactory(partner=partner, url="https://p.example.org/pb?s={status}")
    PostbackFactory(partner=partner, goal=lead, campaign=campaign, url="https://p.example.org/lead")
    conversion = record_conversion(link, goal=sale)

    conversion_set_status(conversion=conversion, status="approved", actor=SuperuserFactory())
    conversion_set_status(conversion=conversion, status="declined", reason="fraud")
    # Not a move (declined is final): nothing is sent.
    conversion_set_status(conversion=conversion, status="approved")

    assert list(
        PostbackDelivery.objects.order_by("pk").values_list("event", "url", "conversion")
    ) == [
        ("created", "https://p.example.org/pb?s=pending", conversion.pk),
        ("status_changed", "https://p.example.org/pb?s=approved", conversion.pk),
        ("status_changed", "https://p.example.org/pb?s=declined", conversion.pk),
    ]


def test_a_partner_without_urls_queues_nothing(setup):
    _partner, _campaign, sale, _lead, link = setup
    PostbackFactory(url="https://someone-else.example.org/pb")

    record_conversion(link, goal=sale)

    assert PostbackDelivery.objects.count() == 0


def test_every_macro_is_filled_and_url_encoded(setup):
    partner, campaign, sale, _lead, link = setup
    PostbackFactory(partner=partner, url=ALL_MACROS)

    conversion = record_conversion(
        link, goal=sale, txn_id="T 1/2", sub1="a b&c", sub2="ü", sub3="x=y"
    )

    delivery = PostbackDelivery.objects.get()
    assert delivery.url == (
        f"https://partner.example.org/pb?click={conversion.click_uuid}&s1=a%20b%26c"
        f"&s2=%C3%BC&s3=x%3Dy&txn=T%201%2F2&payout=10.00&goal={sale.tracking_code}"
        f"&status=pending&campaign={campaign.pk}"
    )
    assert (delivery.method, delivery.body) == ("GET", "")


def test_a_post_url_gets_the_values_as_a_json_body(setup):
    partner, campaign, _sale, lead, link = setup
    PostbackFactory(partner=partner, url="https://p.example.org/hook", method="POST")

    conversion = record_conversion(link, goal=lead, txn_id="L-1", sub1="blog", amount="40.00")

    delivery = PostbackDelivery.objects.get()
    assert (delivery.method, delivery.url) == ("POST", "https://p.example.org/hook")
    assert json.loads(delivery.body) == {
        "event": "created",
        "click_id": str(conversion.click_uuid),
        "sub1": "blog",
        "sub2": "",
        "sub3": "",
        "txn_id": "L-1",
        "payout": "2.50",
        "currency": "USD",
        "goal": lead.tracking_code,
        "status": "pending",
        "campaign_id": str(campaign.pk),
        "conversion_id": str(conversion.pk),
    }


def test_enqueue_returns_the_number_of_rows(setup):
    partner, _campaign, sale, _lead, link = setup
    conversion = record_conversion(link, goal=sale)
    PostbackFactory(partner=partner, url="https://p.example.org/1")
    PostbackFactory(partner=partner, url="https://p.example.org/2")

    assert deliveries_enqueue(conversion=conversion, event="status_changed") == 2
    assert PostbackDelivery.objects.count() == 2


# --- saving a URL ----------------------------------------------------------------------


def test_postback_save_creates_and_edits_a_url():
    partner = PartnerFactory()
    campaign = CampaignFactory()
    goal = GoalFactory(campaign=campaign)

    postback = postback_save(
        partner=partner, url="  https://93.184.215.14/pb?c={click_id}  ", method="POST"
    )
    edited = postback_save(
        partner=partner,
        postback=postback,
        url="https://hooks.partner.invalid/{txn_id}",
        method="GET",
        goal=goal,
        is_active=False,
    )

    postback.refresh_from_db()
    assert edited.pk == postback.pk
    assert (postback.url, postback.method, postback.campaign, postback.goal) == (
        "https://hooks.partner.invalid/{txn_id}",
        "GET",
        campaign,  # a goal's postback follows the goal's campaign
        goal,
    )
    assert postback.is_active is False
    assert len(postback.signing_secret) >= 40


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/pb",
        "http://127.0.0.1:8000/pb",
        "http://localhost/pb",
        "http://LOCALHOST:8080/pb",
        "http://10.0.0.5/pb",
        "http://172.16.3.4/pb",
        "http://192.168.1.10/pb",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",  # shared address space (Alibaba)
        "http://0.0.0.0/pb",
        "http://2130706433/pb",  # 127.0.0.1 as one number
        "http://[::1]/pb",
        "http://[::ffff:127.0.0.1]/pb",
        "http://[fd00::1]/pb",
        "http://[fe80::1]/pb",
        "http://224.0.0.1/pb",
    ],
)
def test_private_and_loopback_targets_are_refused_when_saved(settings, url):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False
    partner = PartnerFactory()

    with pytest.raises(PostbackRefused) as refused:
        postback_save(partner=partner, url=url)

    assert refused.value.code == "invalid_url"
    assert "not a public address" in refused.value.detail
    assert PartnerPostback.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/pb",
        "file:///etc/passwd",
        "gopher://example.com/_x",
        "javascript:alert(1)",
        "//example.com/pb",
        "example.com/pb",
        "http:///pb",
        "http://example.com:99999/pb",
        "https://example.com/pb with space",
        "https://example.com/ünïcode",
    ],
)
def test_urls_that_are_not_plain_http_or_https_are_refused(settings, url):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False

    with pytest.raises(PostbackRefused) as refused:
        postback_save(partner=PartnerFactory(), url=url)

    assert refused.value.code == "invalid_url"
    assert PartnerPostback.objects.count() == 0


def _resolving_to(monkeypatch, host, *addresses):
    real = socket.getaddrinfo

    def fake(name, port, *args, **kwargs):
        if name != host:
            return real(name, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.parametrize(
    "addresses",
    [("127.0.0.1",), ("93.184.215.14", "10.1.2.3"), ("::1",), ("169.254.169.254",)],
)
def test_a_hostname_resolving_to_a_private_address_is_refused(settings, monkeypatch, addresses):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False
    _resolving_to(monkeypatch, "sneaky.partner.test", *addresses)

    with pytest.raises(PostbackRefused) as refused:
        postback_save(partner=PartnerFactory(), url="https://sneaky.partner.test/pb")

    assert refused.value.code == "invalid_url"
    assert f"resolves to {addresses[-1]}" in refused.value.detail
    assert PartnerPostback.objects.count() == 0


def test_public_targets_and_hosts_that_do_not_resolve_yet_are_accepted(settings, monkeypatch):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False
    _resolving_to(monkeypatch, "hooks.partner.test", "93.184.215.14", "2606:2800:21f::1")
    partner = PartnerFactory()

    saved = [
        postback_save(partner=partner, url=url).url
        for url in (
            "https://93.184.215.14/pb",
            "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/pb",
            "https://hooks.partner.test/pb?c={click_id}",
            # Checked again, resolved, before every delivery.
            "https://not-yet.partner.invalid/pb",
        )
    ]

    assert len(saved) == 4
    assert PartnerPostback.objects.filter(partner=partner).count() == 4


def test_private_targets_may_be_saved_when_settings_allow_them(settings):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = True

    postback = postback_save(partner=PartnerFactory(), url="http://127.0.0.1:9/pb")

    assert postback.url == "http://127.0.0.1:9/pb"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"url": "https://93.184.215.14/{click}"}, "unknown_macro"),
        ({"url": "https://93.184.215.14/{currency}"}, "unknown_macro"),
        ({"url": "https://93.184.215.14/pb", "method": "PUT"}, "invalid_method"),
    ],
)
def test_unknown_macros_and_methods_are_refused(kwargs, code):
    with pytest.raises(PostbackRefused) as refused:
        postback_save(partner=PartnerFactory(), **kwargs)

    assert refused.value.code == code
    assert PartnerPostback.objects.count() == 0


def test_a_goal_of_another_campaign_is_refused():
    partner = PartnerFactory()

    with pytest.raises(PostbackRefused) as refused:
        postback_save(
            partner=partner,
            url="https://93.184.215.14/pb",
            campaign=CampaignFactory(),
            goal=GoalFactory(),
        )

    assert refused.value.code == "goal_not_in_campaign"
    assert PartnerPostback.objects.count() == 0


def test_a_partner_has_at_most_five_urls_but_may_edit_them():
    partner = PartnerFactory()
    PostbackFactory(url="https://93.184.215.14/other")  # another partner's does not count
    saved = [postback_save(partner=partner, url=f"https://93.184.215.14/pb{i}") for i in range(5)]

    with pytest.raises(PostbackRefused) as refused:
        postback_save(partner=partner, url="https://93.184.215.14/pb6")
    edited = postback_save(partner=partner, postback=saved[0], url="https://93.184.215.14/new")

    assert refused.value.code == "too_many"
    assert edited.url == "https://93.184.215.14/new"
    assert PartnerPostback.objects.filter(partner=partner).count() == 5


def test_deleting_a_url_fails_its_pending_deliveries_keeps_them_and_sends_it_no_more(setup):
    partner, _campaign, sale, _lead, link = setup
    gone = PostbackFactory(partner=partner, url="https://p.example.org/gone")
    kept = PostbackFactory(partner=partner, url="https://p.example.org/kept")
    record_conversion(link, goal=sale, txn_id="T-1")

    postback_delete(postback=gone, actor=partner.user)
    record_conversion(link, goal=sale, txn_id="T-2")

    assert sorted(
        PostbackDelivery.objects.values_list("postback", "conversion__txn_id", "status")
    ) == sorted(
        [
            (gone.pk, "T-1", "failed"),
            (kept.pk, "T-1", "pending"),
            (kept.pk, "T-2", "pending"),
        ]
    )


def test_turning_a_url_off_stops_its_pending_deliveries_and_no_others(setup):
    partner, _campaign, sale, _lead, link = setup
    off = PostbackFactory(partner=partner, url="https://93.184.215.14/off")
    kept = PostbackFactory(partner=partner, url="https://93.184.215.14/kept")
    record_conversion(link, goal=sale)

    postback_save(partner=partner, postback=off, url=off.url, is_active=False)

    assert sorted(
        PostbackDelivery.objects.values_list("postback", "status", "next_attempt_at", "last_error")
    ) == [
        (off.pk, "failed", None, "The postback URL was turned off."),
        (kept.pk, "pending", PostbackDelivery.objects.get(postback=kept).next_attempt_at, ""),
    ]


def test_the_url_template_is_quoted_per_macro_not_as_a_whole(setup):
    partner, _campaign, sale, _lead, link = setup
    PostbackFactory(partner=partner, url="https://p.example.org/{sub1}/x?y={sub1}")

    record_conversion(link, goal=sale, sub1="../admin?")

    assert PostbackDelivery.objects.get().url == (
        f"https://p.example.org/{quote('../admin?', safe='')}/x?y=..%2Fadmin%3F"
    )


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_never_make_a_sixth_url():
    partner = PartnerFactory()
    for i in range(3):
        PostbackFactory(partner=partner, url=f"https://93.184.215.14/old{i}")

    def save(i):
        try:
            return postback_save(partner=partner, url=f"https://93.184.215.14/new{i}").pk
        except PostbackRefused as refused:
            return refused.code

    outcomes = race(6, save)

    assert sorted(o for o in outcomes if isinstance(o, str)) == ["too_many"] * 4
    assert PartnerPostback.objects.filter(partner=partner).count() == 5
