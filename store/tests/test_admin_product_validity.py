"""A product's validity is bounded in the admin: a value so large that no expiry date can
be computed was saved, and every fulfilment of the product then failed (OverflowError);
zero issued cards already expired."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from store.models.catalog import MAX_VALIDITY_DAYS

from .factories import ProductFactory
from .factories_ops import login
from .test_admin_catalog import _product_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", ["10000000", "0"])
def test_an_editor_cannot_save_a_validity_no_card_could_have(client, days):
    login(client, "Content editor")
    product = ProductFactory(validity_days=365)

    response = client.post(
        reverse("admin:store_product_change", args=[product.pk]),
        _product_form(product, validity_days=days),
    )

    assert response.status_code == 200  # the form again, with the error
    assert "validity_days" in response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.validity_days == 365


def test_the_longest_validity_still_gives_an_expiry_date():
    assert timezone.now() + timedelta(days=MAX_VALIDITY_DAYS)
