"""Issue 13's acceptance on the demo: the staff top-offers page excludes rejected sales.

The demo shopper's Acme Electronics sale of 650.00, five days ago, was rejected; the
page shows only the pending one of 249.99 twelve days ago (both clicks count, with the
demo's eleven click-outs without a sale)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())


def _cells(*values) -> str:
    return "<tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr>"


def test_the_demo_top_offers_page_excludes_the_rejected_sale(client, demo):
    assert client.login(email="admin@savebucks.test", password="admin-pass-123")

    html = client.get(reverse("admin:offers_topoffersreport_changelist")).content.decode()

    offers, stores = html.split('data-test="top-stores"')
    acme = ("Acme Electronics", 13, 1, 0, "7.69%", "249.99", "249.99", "10.00", "20.00", "10.00")
    nimbus = ("Nimbus Travel", 12, 1, 0, "8.33%", "1200.00", "1200.00", "72.00", "84.00", "12.00")
    # One sale each: more clicks first. Sales 40 days ago and more are outside the window.
    assert (
        _cells(1, "Acme Electronics: 15% off your first order", *acme)
        + _cells(2, "Nimbus Travel: 15% off your first order", *nimbus)
        + "</tbody>"
    ) in offers
    assert _cells(1, *acme) + _cells(2, *nimbus) + "</tbody>" in stores
    assert "650.00" not in html


def test_the_demo_home_page_shows_popular_offers_by_their_30_day_figures(client, demo):
    html = client.get("/").content.decode()

    assert "Popular right now" in html
    popular = html.split("Popular right now", 1)[1]
    # Ranked by conversion rate over 30 days: Nimbus 1 sale in 12 clicks, Acme 1 in 13
    # (its rejected sale does not count).
    assert popular.index("Nimbus Travel") < popular.index("Acme Electronics")
