"""A bot varying the query string of the sitemaps or robots.txt gets the one cached
answer: it can neither make each request rebuild a section nor fill the cache."""

import pytest

from cms.tests.seo_xml import sitemap_locs
from offers.tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db

SITE = "https://www.savebucks.test"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_extra_query_parameters_are_answered_from_the_same_cache_entry(
    client, django_assert_num_queries
):
    MerchantFactory(slug="acme")
    first = client.get("/sitemap-stores.xml?x=1")
    client.get("/sitemap.xml?x=1")
    client.get("/robots.txt?x=1")
    MerchantFactory(slug="new-store")

    with django_assert_num_queries(0):
        stores = client.get("/sitemap-stores.xml?x=2&utm_source=bot")
        again = client.get("/sitemap-stores.xml")
        padded = client.get("/sitemap-stores.xml?p=01")
        index = client.get("/sitemap.xml?y=3&p=7")
        robots = client.get("/robots.txt?z=4")

    assert [r.status_code for r in (first, stores, again, padded, index, robots)] == [200] * 6
    assert sitemap_locs(stores) == sitemap_locs(first) == [f"{SITE}/store/acme/"]
    assert stores.content == again.content == padded.content


def test_a_page_number_that_is_no_number_is_a_404(client):
    MerchantFactory(slug="acme")

    assert client.get("/sitemap-stores.xml?p=abc").status_code == 404
    assert client.get("/sitemap-stores.xml?p=9").status_code == 404
    assert client.get("/sitemap-stores.xml?p=1").status_code == 200
