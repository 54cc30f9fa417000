"""Issue 13's acceptance on the demo: the staff top-offers page excludes rejected sales.

The demo shopper's Acme Electronics sale of 650.00, five days ago, was rejected; the
page shows only the pending one of 249.99 twelve days ago (both clicks count)."""

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
    acme = ("Acme Electronics", 2, 1, 0, "50.00%", "249.99", "249.99", "10.00", "20.00", "10.00")
    nimbus = ("Nimbus Travel", 1, 1, 0, "100.00%", "1200.00", "1200.00", "72.00", "84.00", "12.00")
    # One sale each: more clicks first. Sales 40 days ago and more are outside the window.
    assert (
        _cells(1, "Acme Electronics: 15% off your first order", *acme)
        + _cells(2, "Nimbus Travel: 15% off your first order", *nimbus)
        + "</tbody>"
    ) in offers
    assert _cells(1, *acme) + _cells(2, *nimbus) + "</tbody>" in stores
    assert "650.00" not in html
