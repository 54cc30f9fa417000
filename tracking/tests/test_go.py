"""/go/<slug>/: a partner's tracked link records one click and redirects."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from affiliates.models import Link, Partner
from affiliates.tests.factories import LinkFactory
from campaigns.models import Campaign
from config.testing import data_statements
from tracking.models import AffiliateClick
from tracking.services import go as go_service
from tracking.services.rollups import counters_roll_up
from tracking.views import go

from .cache_calls import cache_calls

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# Google's main crawler today: a phone's user agent with Googlebot at the end.
GOOGLEBOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 "
    "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"


def _go(link):
    return reverse("tracking:go", args=[link.slug])


def _query(location) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def test_a_click_redirects_with_its_id_and_sub1_and_records_everything(client, settings):
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"
    link = LinkFactory(slug="summer")

    response = client.get(
        _go(link),
        {
            "sub1": "abc",
            "sub2": "banner top",
            "sub3": "x/y",
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": "june",
            "utm_term": "shoes",
            "utm_content": "hero",
        },
        HTTP_USER_AGENT=CHROME,
        HTTP_REFERER="https://blog.example.org/post",
        HTTP_CF_IPCOUNTRY="de",
        REMOTE_ADDR="198.51.100.7",
    )

    assert response.status_code == 302
    click = AffiliateClick.objects.get()
    assert response["Location"] == f"https://example.com/landing?click={click.click_id}&s1=abc"
    assert (click.link, click.partner, click.campaign) == (link, link.partner, link.campaign)
    assert (click.sub1, click.sub2, click.sub3) == ("abc", "banner top", "x/y")
    assert (
        click.utm_source,
        click.utm_medium,
        click.utm_campaign,
        click.utm_term,
        click.utm_content,
    ) == ("newsletter", "email", "june", "shoes", "hero")
    assert (click.ip, click.device_type, click.country) == ("198.51.100.7", "desktop", "DE")
    assert (click.user_agent, click.referrer) == (CHROME, "https://blog.example.org/post")
    assert (click.is_unique, click.is_bot) == (True, False)
    # Written by one raw INSERT: the time reads back aware and now, the click id as sent.
    assert abs((timezone.now() - click.created_at).total_seconds()) < 5
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_every_macro_is_filled_and_url_encoded(client):
    link = LinkFactory(
        destination_url=(
            "https://shop.example.com/p?c={click_id}&a={sub1}&b={sub2}&d={sub3}"
            "&aff={affiliate_id}&cmp={campaign_id}"
        ),
    )

    response = client.get(_go(link), {"sub1": "a&b=c", "sub2": "é", "sub3": "{sub1}"})

    click = AffiliateClick.objects.get()
    assert response["Location"] == (
        f"https://shop.example.com/p?c={click.click_id}&a=a%26b%3Dc&b=%C3%A9&d=%7Bsub1%7D"
        f"&aff={link.partner_id}&cmp={link.campaign_id}"
    )
    assert _query(response["Location"])["a"] == "a&b=c"


def test_the_links_default_subs_stand_in_for_missing_ones(client):
    link = LinkFactory(sub1="default-1", sub2="default-2", sub3="default-3")

    response = client.get(_go(link), {"sub2": "given-2"})

    click = AffiliateClick.objects.get()
    assert (click.sub1, click.sub2, click.sub3) == ("default-1", "given-2", "default-3")
    assert _query(response["Location"]) == {"click": str(click.click_id), "s1": "default-1"}
    assert (click.utm_source, click.utm_medium, click.referrer) == ("", "", "")


def test_never_redirects_to_a_url_from_the_request(client):
    link = LinkFactory()

    response = client.get(_go(link), {"url": "https://evil.example/", "next": "//evil.example"})

    assert urlsplit(response["Location"]).netloc == "example.com"


def test_go_writes_every_visit_unique_and_the_minute_rollup_finds_the_repeat(client):
    link, other = LinkFactory(), LinkFactory()

    client.get(_go(link), HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.7")
    client.get(_go(link), HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.7")
    client.get(_go(link), HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.7")
    client.get(_go(link), HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.8")
    client.get(_go(other), HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.7")

    def clicks():
        return list(
            AffiliateClick.objects.order_by("pk").values_list(
                "link_id", "ip", "user_agent", "is_unique"
            )
        )

    # Provisional until the roll-up has decided: /go/ asks nobody.
    assert [unique for *_, unique in clicks()] == [True] * 5
    AffiliateClick.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    counters_roll_up()
    assert clicks() == [
        (link.pk, "198.51.100.7", CHROME, True),
        (link.pk, "198.51.100.7", CHROME, False),  # the same ip + agent + link: a repeat
        (link.pk, "198.51.100.7", FIREFOX, True),
        (link.pk, "198.51.100.8", CHROME, True),
        (other.pk, "198.51.100.7", CHROME, True),  # the same visitor on another link
    ]


def test_go_never_asks_the_cache_about_the_visitor(client, monkeypatch):
    link = LinkFactory()

    with cache_calls(monkeypatch) as calls:
        client.get(_go(link), HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.7")
        client.get(_go(link), HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.7")

    assert AffiliateClick.objects.count() == 2
    # Only the link cache's version (at most once a second), never a visitor's key.
    assert {key for _method, key in calls} <= {go_service.links_by_slug.version_key}


@pytest.mark.parametrize(
    "agent",
    [GOOGLEBOT, GOOGLEBOT_SMARTPHONE, BINGBOT, "curl/8.5.0", "python-requests/2.32.3"],
    ids=["googlebot", "googlebot-smartphone", "bingbot", "curl", "python-requests"],
)
def test_a_known_bot_is_flagged_and_never_unique(client, agent):
    link = LinkFactory()

    response = client.get(_go(link), {"sub1": "abc"}, HTTP_USER_AGENT=agent)

    assert response.status_code == 302  # the crawler still gets where it was going
    click = AffiliateClick.objects.get()
    assert (click.is_bot, click.is_unique, click.device_type) == (True, False, "bot")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"campaign__status": Campaign.Status.PAUSED}, "https://example.com/"),
        ({"campaign__status": Campaign.Status.ENDED}, "https://example.com/"),
        ({"status": Link.Status.PAUSED}, "https://example.com/"),
        ({"partner__status": Partner.Status.SUSPENDED}, "https://example.com/"),
        (
            {"campaign__status": Campaign.Status.ENDED, "campaign__fallback_url": ""},
            "/offers/",
        ),
    ],
    ids=["campaign-paused", "campaign-ended", "link-paused", "partner-suspended", "no-fallback"],
)
def test_a_link_that_is_not_live_goes_to_the_fallback_without_a_click(
    client, settings, change, expected
):
    settings.AFFILIATE_FALLBACK_URL = "/offers/"
    link = LinkFactory(**change)

    response = client.get(_go(link), {"sub1": "abc"})

    assert (response.status_code, response["Location"]) == (302, expected)
    assert AffiliateClick.objects.count() == 0


def test_an_unknown_slug_is_a_404_without_a_click(client):
    LinkFactory(slug="real")

    response = client.get(reverse("tracking:go", args=["not-a-link"]))

    assert response.status_code == 404
    assert AffiliateClick.objects.count() == 0


def test_only_get_is_allowed(client):
    link = LinkFactory()

    response = client.post(_go(link))

    assert response.status_code == 405
    assert AffiliateClick.objects.count() == 0


def test_the_go_view_makes_two_queries():
    """One SELECT (the link with its campaign and partner), one INSERT (the click)."""
    link = LinkFactory()
    request = RequestFactory().get(_go(link), {"sub1": "abc"}, HTTP_USER_AGENT=CHROME)

    with data_statements() as statements:
        response = go(request, link.slug)

    assert response.status_code == 302
    assert statements == ["SELECT affiliates_link", "INSERT tracking_affiliateclick"]
    assert AffiliateClick.objects.get().is_unique  # provisional: decided by the roll-up


def test_the_whole_request_adds_nothing_for_an_anonymous_visitor(client):
    link = LinkFactory()

    with data_statements() as statements:
        response = client.get(_go(link), {"sub1": "abc"}, HTTP_USER_AGENT=CHROME)

    assert response.status_code == 302
    assert statements == ["SELECT affiliates_link", "INSERT tracking_affiliateclick"]
    assert "sessionid" not in response.cookies


def test_a_link_that_is_not_live_costs_one_query(client):
    link = LinkFactory(campaign__status=Campaign.Status.PAUSED)

    with data_statements() as statements:
        client.get(_go(link))

    assert statements == ["SELECT affiliates_link"]
