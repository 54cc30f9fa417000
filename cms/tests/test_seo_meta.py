"""Canonical, OpenGraph and Twitter meta on the public pages, JSON-LD on store and offer
pages (parsable, never a coupon code, no way out of its script element), and meta that
costs the pages no query."""

import json
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from offers.models import Offer
from offers.tests.factories import CategoryFactory, MerchantFactory, OfferFactory

from .factories_pages import PageFactory

pytestmark = pytest.mark.django_db

SITE = "https://www.savebucks.test"


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "10.0.0.7"]
    settings.MEDIA_ROOT = tmp_path


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.canonical, self.title, self.json_ld = {}, [], "", []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs["content"]
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag
            if tag == "script":
                self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld[-1] += data


def _head(response) -> _Head:
    assert response.status_code == 200
    parser = _Head()
    parser.feed(response.content.decode())
    return parser


def _social(head: _Head) -> dict:
    keys = ("og:type", "og:title", "og:description", "og:url", "og:image", "twitter:card")
    return {key: head.meta.get(key) for key in keys}


def test_home_stores_and_category_pages(client):
    CategoryFactory(slug="shoes", name="Shoes", description="Trainers,  boots\nand more.")
    MerchantFactory.create_batch(25)  # two pages of 24

    home = _head(client.get("/", HTTP_HOST="10.0.0.7"))
    stores = _head(client.get("/stores/?utm_source=mail&page=2"))
    beyond = _head(client.get("/stores/?page=999"))
    huge = _head(client.get("/stores/?page=" + "9" * 5000))  # not an int to Python: page 1
    first = _head(client.get("/stores/?page=1"))
    category = _head(client.get("/category/shoes/?sort=new"))

    assert home.canonical == [f"{SITE}/"]
    assert home.title == home.meta["og:title"] == "SaveBucks: cashback and coupons"
    assert home.meta["description"] == home.meta["og:description"]
    assert home.meta["twitter:card"] == "summary"
    # Each page of a list is its own page; every other parameter is dropped.
    assert stores.canonical == [f"{SITE}/stores/?page=2"]
    assert stores.meta["og:url"] == f"{SITE}/stores/?page=2"
    assert first.canonical == [f"{SITE}/stores/"]
    assert _head(client.get("/stores/?page=abc")).canonical == [f"{SITE}/stores/"]
    assert beyond.canonical == [f"{SITE}/stores/?page=2"]  # the last page, shown
    assert huge.canonical == [f"{SITE}/stores/"]
    assert stores.title == stores.meta["og:title"] == "All stores · SaveBucks"
    assert _social(category) == {
        "og:type": "website",
        "og:title": "Shoes cashback and coupons · SaveBucks",
        "og:description": "Trainers, boots and more.",
        "og:url": f"{SITE}/category/shoes/",
        "og:image": None,
        "twitter:card": "summary",
    }
    assert category.meta["description"] == "Trainers, boots and more."


def test_store_page_meta_and_organization(client):
    store = MerchantFactory(
        slug="acme",
        name="Acme Electronics",
        description="Gadgets for everyone. " * 20,
        website="https://acme.example/",
        logo=SimpleUploadedFile("acme.png", b"png", content_type="image/png"),
    )
    offer = OfferFactory(
        merchant=store,
        title="10% off TVs",
        ends_at=datetime(2030, 1, 31, 12, tzinfo=UTC),
        offer_type=Offer.Type.CODE,
        coupon_code="SECRET10",
    )

    head = _head(client.get("/store/acme/?ref=x", HTTP_HOST="10.0.0.7"))

    logo = f"{SITE}/media/{store.logo.name}"
    description = ("Gadgets for everyone. " * 8)[:159] + "…"
    assert head.canonical == [f"{SITE}/store/acme/"]
    assert head.title == "Acme Electronics cashback · SaveBucks"
    assert _social(head) == {
        "og:type": "website",
        "og:title": "Acme Electronics cashback · SaveBucks",
        "og:description": description,
        "og:url": f"{SITE}/store/acme/",
        "og:image": logo,
        "twitter:card": "summary_large_image",
    }
    assert head.meta["description"] == description
    organization, breadcrumbs = (json.loads(data) for data in head.json_ld)
    assert organization == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Acme Electronics",
        "url": f"{SITE}/store/acme/",
        "logo": logo,
        "sameAs": ["https://acme.example/"],
        "description": description,
        "makesOffer": [
            {
                "@type": "Offer",
                "name": "10% off TVs",
                "url": f"{SITE}/offer/{offer.pk}/",
                "validThrough": "2030-01-31T12:00:00+00:00",
            }
        ],
    }
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [item["item"] for item in breadcrumbs["itemListElement"]] == [
        f"{SITE}/",
        f"{SITE}/stores/",
        f"{SITE}/store/acme/",
    ]
    assert "SECRET10" not in "".join(head.json_ld)


def test_offer_page_offer_json_ld_hides_the_coupon_code(client):
    store = MerchantFactory(slug="acme", name="Acme")
    offer = OfferFactory(
        merchant=store,
        title="15% off",
        description="On your first order.",
        offer_type=Offer.Type.CODE,
        coupon_code="FIRST15",
        starts_at=datetime(2026, 1, 1, tzinfo=UTC),
        ends_at=datetime(2030, 6, 30, 23, 59, tzinfo=UTC),
    )

    response = client.get(f"/offer/{offer.pk}/")
    head = _head(response)

    assert head.canonical == [f"{SITE}/offer/{offer.pk}/"]
    assert head.title == head.meta["og:title"] == "15% off · Acme · SaveBucks"
    assert head.meta["og:description"] == head.meta["description"] == "On your first order."
    data, breadcrumbs = (json.loads(text) for text in head.json_ld)
    assert data == {
        "@context": "https://schema.org",
        "@type": "Offer",
        "name": "15% off",
        "url": f"{SITE}/offer/{offer.pk}/",
        "seller": {"@type": "Organization", "name": "Acme", "url": f"{SITE}/store/acme/"},
        "description": "On your first order.",
        "validFrom": "2026-01-01T00:00:00+00:00",
        "validThrough": "2030-06-30T23:59:00+00:00",
    }
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == ["Home", "Acme", "15% off"]
    # The code is on the page (hidden until "Reveal code & go"), never in the JSON-LD.
    assert response.content.decode().count("FIRST15") == 1
    assert "FIRST15" not in "".join(head.json_ld)


def test_a_cms_page_has_canonical_and_social_meta(client):
    PageFactory(slug="about", title="About SaveBucks")

    head = _head(client.get("/p/about/?x=1"))

    assert head.canonical == [f"{SITE}/p/about/"]
    assert head.meta["og:url"] == f"{SITE}/p/about/"
    assert head.meta["og:type"] == "website"
    assert head.meta["twitter:card"] == "summary"
    assert head.meta["og:title"] and head.meta["og:description"]


def test_a_hostile_store_name_cannot_leave_the_json_ld(client):
    name = "</script><script>alert(1)</script>"
    MerchantFactory(slug="evil", name=name, description="<b>&amp;</b>")

    response = client.get("/store/evil/")
    html = response.content.decode()
    head = _head(response)

    assert "<script>alert(1)" not in html
    assert len(head.json_ld) == 2
    organization = json.loads(head.json_ld[0])
    assert organization["name"] == name
    assert organization["description"] == "<b>&amp;</b>"
    assert head.meta["og:title"] == f"{name} cashback · SaveBucks"


def test_the_meta_costs_the_store_and_offer_pages_no_query(client, django_assert_num_queries):
    store = MerchantFactory(slug="acme", website="https://acme.example/")
    offers = [OfferFactory(merchant=store) for _ in range(5)]

    client.get("/")  # the footer's pages, read once per process (cms.context_processors)

    # As many as before the meta: it is built from the rows the views load anyway.
    with django_assert_num_queries(4):
        store_page = client.get("/store/acme/")
    with django_assert_num_queries(1):
        offer_page = client.get(f"/offer/{offers[0].pk}/")

    assert len(json.loads(_head(store_page).json_ld[0])["makesOffer"]) == 5
    assert json.loads(_head(offer_page).json_ld[0])["@type"] == "Offer"
