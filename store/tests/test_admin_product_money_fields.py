"""What a product costs us is not the editors' to change: where its codes come from (our
pool, or bought from the supplier at every fulfilment), what kind of card it is and the
currency it sells in stay as Finance set them when a Content editor saves the page."""

import pytest
from django.urls import reverse

from store.models import Product

from .factories import ProductFactory
from .factories_ops import login
from .test_admin_catalog import _product_form

pytestmark = pytest.mark.django_db


def test_an_editor_cannot_switch_a_product_to_the_supplier_or_another_currency(client):
    login(client, "Content editor")
    product = ProductFactory(source=Product.Source.POOL, currency="USD")

    page = client.get(reverse("admin:store_product_change", args=[product.pk])).content.decode()
    response = client.post(
        reverse("admin:store_product_change", args=[product.pk]),
        _product_form(
            product,
            name="Renamed",
            source="supplier",
            supplier_product_id="SUP-1",
            currency="EUR",
        ),
    )

    for field in ("source", "supplier_product_id", "currency", "kind"):
        assert f'name="{field}"' not in page
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.source, product.supplier_product_id, product.currency) == (
        "Renamed",
        "pool",
        "",
        "USD",
    )


def test_a_superuser_still_sets_them(client):
    login(client, "superuser")
    product = ProductFactory(source=Product.Source.POOL)
    response = client.post(
        reverse("admin:store_product_change", args=[product.pk]),
        _product_form(product, source="supplier", supplier_product_id="SUP-1"),
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.source, product.supplier_product_id) == ("supplier", "SUP-1")
