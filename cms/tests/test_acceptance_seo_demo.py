"""Issue 16's acceptance on the demo: /sitemap.xml lists stores, offers and pages;
robots.txt names it."""

import io

import pytest
from django.core.management import call_command

from offers import demo as offers_demo
from offers.models import Offer

from .seo_xml import sitemap_locs

pytestmark = pytest.mark.django_db

SITE = "https://savebucks.example"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    settings.SITE_URL = SITE
    call_command("seed_demo", stdout=io.StringIO())


def _locs(client, path) -> list[str]:
    return sitemap_locs(client.get(path))


def test_the_demo_sitemap_lists_stores_offers_and_pages(client, demo):
    sections = _locs(client, "/sitemap.xml")
    listed = {
        name: _locs(client, f"/sitemap-{name}.xml")
        for name in ("stores", "categories", "offers", "pages")
    }

    names = ("stores", "categories", "offers", "pages", "posts")
    assert sections == [f"{SITE}/sitemap-{name}.xml" for name in names]
    # The demo's ten stores, three live offers each (pages: the pages helper's demo).
    assert listed["stores"] == [f"{SITE}/store/{row[0]}/" for row in offers_demo.MERCHANTS]
    assert f"{SITE}/store/acme-electronics/" in listed["stores"]
    live = list(Offer.objects.live().order_by("pk").values_list("pk", flat=True))
    assert len(live) == len(offers_demo.MERCHANTS) * len(offers_demo.OFFERS) == 30
    assert listed["offers"] == [f"{SITE}/offer/{pk}/" for pk in live]
    assert f"{SITE}/p/about/" in listed["pages"]
    assert f"{SITE}/category/electronics/" in listed["categories"]


def test_the_demo_robots_txt_names_the_sitemap(client, demo):
    body = client.get("/robots.txt").content.decode()

    assert f"Sitemap: {SITE}/sitemap.xml\n" in body
    assert "Disallow: /out/\n" in body
