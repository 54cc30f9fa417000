"""/go/ and /out/ read their link, offer or store from the process's row cache: a warm
redirect makes no query for its lookup, and every change that matters reaches this
process at once and every other process within a second."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SuperuserFactory, UserFactory
from affiliates.models import Link, Partner
from affiliates.services.links import link_update
from affiliates.services.partners import partner_decide
from affiliates.tests.factories import LinkFactory
from campaigns.models import Campaign
from config import row_cache
from config.row_cache import RowCache
from config.testing import data_statements
from offers.models import MerchantCommission, Network, Offer
from offers.tests.factories import MerchantFactory, OfferFactory
from tracking.models import Click
from tracking.services import clicks, go

from .cache_calls import cache_calls

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


@pytest.fixture
def clock(monkeypatch):
    """The row caches' clock, moved on by hand."""

    class Clock:
        now = 1000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    moved = Clock()
    monkeypatch.setattr(row_cache, "clock", lambda: moved.now)
    return moved


def _elsewhere(cache: RowCache) -> RowCache:
    """The same cache as another process holds it: it hears of a change only through the
    shared version (no receivers of its own)."""
    return RowCache(cache.name, cache._load, depends_on=())


def _go(link):
    return reverse("tracking:go", args=[link.slug])


def _out(offer):
    return reverse("tracking:out-offer", args=[offer.pk])


def _out_merchant(merchant):
    return reverse("tracking:out-merchant", args=[merchant.slug])


# --- Warm redirects: no query for the lookup --------------------------------------------


def test_a_warm_go_makes_only_the_click_insert(client, django_assert_num_queries):
    link = LinkFactory()
    client.get(_go(link))

    with data_statements() as statements:
        response = client.get(_go(link), {"sub1": "abc"}, HTTP_USER_AGENT=CHROME)

    assert response.status_code == 302
    assert response["Location"].startswith("https://example.com/landing?click=")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert statements == ["INSERT tracking_affiliateclick"]
    with django_assert_num_queries(0):
        assert go.link_for_click(link.slug).pk == link.pk


def test_a_warm_go_makes_no_cache_call(client, clock, monkeypatch):
    """Within the second after the link cache looked at its version: the INSERT is the
    request's only round trip (the unique-visitor decision is the roll-up's)."""
    link = LinkFactory()
    client.get(_go(link))

    with cache_calls(monkeypatch) as calls, data_statements() as statements:
        response = client.get(_go(link), HTTP_USER_AGENT=CHROME, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert (calls, statements) == ([], ["INSERT tracking_affiliateclick"])


def test_warm_lookups_of_links_offers_and_stores_make_no_query(django_assert_num_queries):
    link, offer = LinkFactory(), OfferFactory()
    with django_assert_num_queries(4):
        go.link_for_click(link.slug)
        go.link_for_click("no-such-link")
        clicks.offer_for_click(offer.pk)
        clicks.merchant_for_click(offer.merchant.slug)

    with django_assert_num_queries(0):
        assert go.link_for_click(link.slug).campaign_id == link.campaign_id
        assert go.link_for_click("no-such-link") is None
        assert clicks.offer_for_click(offer.pk).merchant.pk == offer.merchant_id
        assert clicks.merchant_for_click(offer.merchant.slug).pk == offer.merchant_id


def test_a_warm_fallback_and_a_warm_404_make_no_query(client, settings):
    settings.AFFILIATE_FALLBACK_URL = "/offers/"
    paused = LinkFactory(status=Link.Status.PAUSED, campaign__fallback_url="")
    client.get(_go(paused))
    client.get("/go/no-such-link/")

    with data_statements() as statements:
        fallback = client.get(_go(paused))
        missing = client.get("/go/no-such-link/")

    assert (fallback.status_code, fallback["Location"]) == (302, "/offers/")
    assert missing.status_code == 404
    assert statements == []


def test_a_warm_out_reads_only_the_shopper(client):
    offer = OfferFactory(cashback_type="fixed", cashback_value=Decimal("2.50"))
    user = UserFactory()
    client.force_login(user)
    client.get(_out(offer))

    with data_statements() as statements:
        response = client.get(_out(offer))

    assert statements == ["SELECT accounts_user", "INSERT tracking_click"]
    click = Click.objects.order_by("-id").first()
    assert (click.user_id, click.offer_id, click.cashback_value) == (
        user.pk,
        offer.pk,
        Decimal("2.5000"),
    )
    query = parse_qs(urlsplit(response["Location"]).query)
    assert (response.status_code, query["sub"], query["m"]) == (
        302,
        [str(click.click_id)],
        [offer.merchant.slug],
    )


def test_a_warm_store_click_out_reads_only_the_shopper(client):
    merchant = MerchantFactory()
    client.force_login(UserFactory())
    client.get(_out_merchant(merchant))

    with data_statements() as statements:
        response = client.get(_out_merchant(merchant))

    assert response.status_code == 302
    assert statements == ["SELECT accounts_user", "INSERT tracking_click"]


def test_the_choice_page_names_the_store_from_the_cached_row(client):
    offer = OfferFactory(merchant__name="Shoes R Us")
    client.get(_out(offer))

    with data_statements() as statements:
        response = client.get(_out(offer))

    assert "Earn cashback at Shoes R Us" in response.content.decode()
    assert [s for s in statements if "offers_" in s] == []


# --- What stops a redirect, here at once and elsewhere within a second -------------------


def _link_seen(cache: RowCache, link) -> str:
    row = cache.get(link.slug)
    return "live" if go.link_is_live(row) else "down"


def _assert_link_goes_down(client, link, change, clock, capture):
    elsewhere = _elsewhere(go.links_by_slug)
    assert client.get(_go(link))["Location"].startswith("https://example.com/landing")
    assert _link_seen(elsewhere, link) == "live"

    with capture(execute=True):
        change()

    assert client.get(_go(link))["Location"] == "https://example.com/"
    assert _link_seen(elsewhere, link) == "live"  # within the second: not looked yet
    clock.advance(1.0)
    assert _link_seen(elsewhere, link) == "down"


def test_a_link_paused_by_its_partner_stops(client, clock, django_capture_on_commit_callbacks):
    link = LinkFactory()

    _assert_link_goes_down(
        client,
        link,
        lambda: link_update(link=link, data={"status": Link.Status.PAUSED}),
        clock,
        django_capture_on_commit_callbacks,
    )


def test_a_link_paused_by_staff_in_the_admin_stops(
    client, clock, django_capture_on_commit_callbacks
):
    link = LinkFactory()
    staff = SuperuserFactory()

    def pause_in_admin():
        client.force_login(staff)
        response = client.post(
            reverse("admin:affiliates_link_change", args=[link.pk]),
            {
                "name": link.name,
                "slug": link.slug,
                "destination_url": link.destination_url,
                "sub1": "",
                "sub2": "",
                "sub3": "",
                "status": Link.Status.PAUSED,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        client.logout()

    _assert_link_goes_down(client, link, pause_in_admin, clock, django_capture_on_commit_callbacks)


def test_a_paused_campaign_stops_its_links(client, clock, django_capture_on_commit_callbacks):
    link = LinkFactory()

    def pause():
        campaign = Campaign.objects.get(pk=link.campaign_id)
        campaign.status = Campaign.Status.PAUSED
        campaign.save()

    _assert_link_goes_down(client, link, pause, clock, django_capture_on_commit_callbacks)


def test_a_suspended_partner_stops_its_links(client, clock, django_capture_on_commit_callbacks):
    link = LinkFactory()
    staff = SuperuserFactory()

    def suspend():
        partner = Partner.objects.get(pk=link.partner_id)
        assert partner_decide(partner=partner, decision="suspend", actor=staff, reason="Fraud")

    _assert_link_goes_down(client, link, suspend, clock, django_capture_on_commit_callbacks)


def _assert_offer_goes_down(client, offer, change, clock, capture):
    elsewhere_offers = _elsewhere(clicks.offers_by_id)
    elsewhere_stores = _elsewhere(clicks.merchants_by_slug)
    client.force_login(UserFactory())
    assert client.get(_out(offer)).status_code == 302
    assert elsewhere_offers.get(offer.pk) is not None
    slug = offer.merchant.slug
    assert elsewhere_stores.get(slug) is not None

    with capture(execute=True):
        change()

    assert client.get(_out(offer)).status_code == 404
    clock.advance(1.0)
    return elsewhere_offers.get(offer.pk), elsewhere_stores.get(slug)


def test_an_offer_deactivated_in_bulk_by_staff_stops(
    client, clock, django_capture_on_commit_callbacks
):
    offer = OfferFactory()
    staff = SuperuserFactory()

    def deactivate():
        client.force_login(staff)
        client.post(
            reverse("admin:offers_offer_changelist"),
            {"action": "deactivate", "_selected_action": [offer.pk]},
        )
        assert Offer.objects.get(pk=offer.pk).status == Offer.Status.INACTIVE
        client.force_login(UserFactory())

    seen_offer, _ = _assert_offer_goes_down(
        client, offer, deactivate, clock, django_capture_on_commit_callbacks
    )

    assert seen_offer is None


def test_a_deactivated_store_stops_its_offers_and_its_click_out(
    client, clock, django_capture_on_commit_callbacks
):
    offer = OfferFactory()

    def deactivate():
        merchant = offer.merchant
        merchant.is_active = False
        merchant.save()

    seen = _assert_offer_goes_down(
        client, offer, deactivate, clock, django_capture_on_commit_callbacks
    )

    assert seen == (None, None)
    assert client.get(_out_merchant(offer.merchant)).status_code == 404


def test_a_network_switched_off_stops_its_stores(client, clock, django_capture_on_commit_callbacks):
    offer = OfferFactory()

    def switch_off():
        network = Network.objects.get(pk=offer.merchant.network_id)
        network.status = Network.Status.INACTIVE
        network.save()

    seen = _assert_offer_goes_down(
        client, offer, switch_off, clock, django_capture_on_commit_callbacks
    )

    assert seen == (None, None)


def test_an_offer_stops_when_it_ends_without_anything_saved(client, monkeypatch):
    ends = timezone.now() + timedelta(hours=1)
    offer = OfferFactory(ends_at=ends)
    client.force_login(UserFactory())
    assert client.get(_out(offer)).status_code == 302

    monkeypatch.setattr(timezone, "now", lambda: ends)
    with data_statements() as statements:
        response = client.get(_out(offer))

    assert response.status_code == 404
    # The cached row, judged against now (the page's footer is the page's business).
    assert [s for s in statements if "offers_" in s] == []


def test_an_offer_starts_when_its_time_comes_without_anything_saved(client, monkeypatch):
    starts = timezone.now() + timedelta(hours=1)
    offer = OfferFactory(starts_at=starts)
    client.force_login(UserFactory())
    assert client.get(_out(offer)).status_code == 404

    monkeypatch.setattr(timezone, "now", lambda: starts)

    assert client.get(_out(offer)).status_code == 302


def test_a_new_category_rate_reaches_the_next_click(
    client, clock, django_capture_on_commit_callbacks
):
    merchant = MerchantFactory()
    elsewhere = _elsewhere(clicks.merchants_by_slug)
    client.force_login(UserFactory())
    client.get(_out_merchant(merchant))
    assert elsewhere.get(merchant.slug).rate_card == ()

    with django_capture_on_commit_callbacks(execute=True):
        MerchantCommission.objects.create(
            merchant=merchant, label="Laptops", code="laptops", commission_value=Decimal("16")
        )
    client.get(_out_merchant(merchant))
    clock.advance(1.0)

    assert [rate["code"] for rate in Click.objects.order_by("-id").first().rates] == ["laptops"]
    assert [rate["code"] for rate in elsewhere.get(merchant.slug).rate_card] == ["laptops"]


def test_a_new_link_is_found_after_its_slug_was_asked_for(client):
    assert client.get("/go/fresh-link/").status_code == 404

    LinkFactory(slug="fresh-link")

    assert client.get("/go/fresh-link/").status_code == 302


def test_the_cache_keeps_a_bounded_number_of_rows():
    small = RowCache("bounded-test", lambda key: key * 2, depends_on=(), max_rows=2)
    for key in (1, 2, 3):
        small.get(key)

    assert (small.get(3), small.get(2)) == (6, 4)
    assert sorted(small._rows) == [2, 3]


def test_a_row_loaded_while_the_rows_are_dropped_is_not_kept():
    loads = []

    def load(key):
        loads.append(key)
        racing.forget()  # as when another thread sees a new version during this load
        return key

    racing = RowCache("racing-test", load, depends_on=())
    racing.get(1)
    racing.get(1)

    assert loads == [1, 1]


def test_a_change_whose_bump_never_reached_the_cache_is_seen_within_a_minute(
    client, clock, django_capture_on_commit_callbacks
):
    """Redis down at the moment of the commit: the save still answers, and other
    processes reload their rows when they reach their maximum age."""
    link = LinkFactory()
    elsewhere = _elsewhere(go.links_by_slug)
    assert _link_seen(elsewhere, link) == "live"

    def redis_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    with pytest.MonkeyPatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr(row_cache.cache, "incr", redis_down)
        link_update(link=link, data={"status": Link.Status.PAUSED})

    clock.advance(row_cache.MAX_ROW_AGE)
    assert _link_seen(elsewhere, link) == "live"  # the version never moved
    clock.advance(1.0)
    assert _link_seen(elsewhere, link) == "down"
