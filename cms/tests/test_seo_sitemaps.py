"""The sitemap index and its sections: only what a visitor may see, on SITE_URL's host,
`lastmod` from the rows, split at 50,000 URLs, a bounded number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms import sitemaps
from cms.models import Page, Post
from offers.models import Network, Offer
from offers.tests.factories import CategoryFactory, MerchantFactory, NetworkFactory, OfferFactory

from .factories_pages import PageFactory, PostFactory
from .seo_xml import sitemap_lastmods as _lastmods
from .seo_xml import sitemap_locs as _locs

pytestmark = pytest.mark.django_db

SITE = "https://www.savebucks.test"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "10.0.0.7"]


@pytest.fixture
def catalogue():
    now = timezone.now()
    live = MerchantFactory(slug="acme")
    inactive = MerchantFactory(slug="closed", is_active=False)
    deleted = MerchantFactory(slug="gone", deleted_at=now)
    paused = MerchantFactory(slug="paused", network=NetworkFactory(status=Network.Status.INACTIVE))
    shoes = CategoryFactory(slug="shoes")
    CategoryFactory(slug="hidden", is_active=False)
    offers = {
        "live": OfferFactory(merchant=live, category=shoes),
        "ending": OfferFactory(merchant=live, ends_at=now + timedelta(days=1)),
        "expired": OfferFactory(merchant=live, ends_at=now - timedelta(minutes=1)),
        "future": OfferFactory(merchant=live, starts_at=now + timedelta(days=1)),
        "draft": OfferFactory(merchant=live, status=Offer.Status.DRAFT),
        "inactive-store": OfferFactory(merchant=inactive),
        "paused-store": OfferFactory(merchant=paused),
        "deleted": OfferFactory(merchant=live, deleted_at=now),
    }
    PageFactory(slug="about")
    PageFactory(slug="secret", status=Page.Status.DRAFT)
    PageFactory(slug="soon", status=Page.Status.SCHEDULED)
    return {"store": live, "deleted": deleted, "category": shoes, "offers": offers}


def test_the_index_lists_the_five_sections_on_site_url(client):
    locs = _locs(client.get("/sitemap.xml"))

    assert locs == [
        f"{SITE}/sitemap-stores.xml",
        f"{SITE}/sitemap-categories.xml",
        f"{SITE}/sitemap-offers.xml",
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-posts.xml",
    ]


def test_sections_list_exactly_what_visitors_may_see(client, catalogue):
    offers = catalogue["offers"]

    assert _locs(client.get("/sitemap-stores.xml")) == [f"{SITE}/store/acme/"]
    assert _locs(client.get("/sitemap-categories.xml")) == [f"{SITE}/category/shoes/"]
    assert _locs(client.get("/sitemap-offers.xml")) == [
        f"{SITE}/offer/{offers['live'].pk}/",
        f"{SITE}/offer/{offers['ending'].pk}/",
    ]
    assert _locs(client.get("/sitemap-pages.xml")) == [f"{SITE}/p/about/"]


def test_the_posts_section_lists_published_posts(client):
    PostFactory(slug="summer-sales", published_at=timezone.now())
    PostFactory(slug="draft", status=Post.Status.DRAFT)
    PostFactory(slug="later", status=Post.Status.SCHEDULED)

    assert _locs(client.get("/sitemap-posts.xml")) == [f"{SITE}/blog/summer-sales/"]


def test_lastmod_is_the_rows_updated_at_date(client, catalogue):
    store = catalogue["store"]
    old = timezone.now() - timedelta(days=40)
    type(store).objects.filter(pk=store.pk).update(updated_at=old)
    Page.objects.filter(slug="about").update(updated_at=old - timedelta(days=1))

    stores = _lastmods(client.get("/sitemap-stores.xml"))
    pages = _lastmods(client.get("/sitemap-pages.xml"))

    assert stores == {f"{SITE}/store/acme/": timezone.localdate(old).isoformat()}
    assert pages == {f"{SITE}/p/about/": timezone.localdate(old - timedelta(days=1)).isoformat()}


def test_urls_stay_on_site_url_whatever_host_the_request_names(client, catalogue):
    index = _locs(client.get("/sitemap.xml", HTTP_HOST="10.0.0.7"))
    stores = _locs(client.get("/sitemap-stores.xml", HTTP_HOST="10.0.0.7", secure=True))

    assert index[0] == f"{SITE}/sitemap-stores.xml"
    assert stores == [f"{SITE}/store/acme/"]


def test_sections_split_at_the_limit(client, monkeypatch, catalogue):
    assert {cls.limit for cls in sitemaps.SITEMAPS.values()} == {50_000}
    MerchantFactory(slug="zeta")
    MerchantFactory(slug="beta")
    monkeypatch.setattr(sitemaps.StoreSitemap, "limit", 2)

    index = _locs(client.get("/sitemap.xml"))
    first = _locs(client.get("/sitemap-stores.xml"))
    second = _locs(client.get("/sitemap-stores.xml?p=2"))
    beyond = client.get("/sitemap-stores.xml?p=3")

    assert index[:2] == [f"{SITE}/sitemap-stores.xml", f"{SITE}/sitemap-stores.xml?p=2"]
    assert first == [f"{SITE}/store/acme/", f"{SITE}/store/zeta/"]
    assert second == [f"{SITE}/store/beta/"]
    assert beyond.status_code == 404


def test_unknown_sections_and_bad_pages_are_404(client):
    assert client.get("/sitemap-users.xml").status_code == 404
    assert client.get("/sitemap-stores.xml?p=abc").status_code == 404
    assert client.post("/sitemap.xml").status_code == 405


@pytest.mark.parametrize("section", ["stores", "categories", "offers", "pages"])
def test_a_section_costs_two_queries_however_many_rows(
    client, catalogue, section, django_assert_num_queries
):
    for _ in range(5):
        OfferFactory(merchant=MerchantFactory(), category=CategoryFactory())
        PageFactory()

    # The paginator's count, then one page of rows with only the columns the URL needs.
    with django_assert_num_queries(2):
        response = client.get(f"/sitemap-{section}.xml")

    assert response.status_code == 200


def test_the_index_costs_two_queries_a_section_and_answers_are_cached(
    client, catalogue, django_assert_num_queries
):
    # Each section: its latest `updated_at` and its row count (for the ?p= pages).
    with django_assert_num_queries(10):
        client.get("/sitemap.xml")
    client.get("/sitemap-stores.xml")
    client.get("/robots.txt")
    MerchantFactory(slug="new-store")

    # Bots poll these: for SEO_CACHE_SECONDS they are answered from the cache.
    with django_assert_num_queries(0):
        index = client.get("/sitemap.xml")
        stores = client.get("/sitemap-stores.xml")
        robots = client.get("/robots.txt")

    assert (index.status_code, stores.status_code, robots.status_code) == (200, 200, 200)
    assert f"{SITE}/store/new-store/" not in _locs(stores)


def test_the_faq_intro_is_listed_at_the_url_that_answers_it(client):
    """/p/faq/ answers 301 to /faq/: a sitemap lists only URLs that answer 200."""
    PageFactory(slug="faq", title="FAQ")
    PageFactory(slug="terms", title="Terms")

    locs = _locs(client.get("/sitemap-pages.xml"))

    assert sorted(locs) == [f"{SITE}/faq/", f"{SITE}/p/terms/"]
    assert client.get("/faq/").status_code == 200
