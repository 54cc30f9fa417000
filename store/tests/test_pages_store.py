"""The shopper's store pages: the catalog with its filters and badges (fixed queries),
the product page with its buy form (order_place; a double submit is one order; a gateway
order goes to its checkout), my orders, an order's page, and the header link."""

import re
from decimal import Decimal

import pytest
from django.test import Client, TestCase

from offers.tests.factories import CategoryFactory, MerchantFactory
from store.gateways.base import GatewayError
from store.gateways.fake import FakeGateway
from store.models import Code, Order, Payment
from store.tests.factories import (
    ProductFactory,
    SaveBucksProductFactory,
    ShopperFactory,
    VariantFactory,
    add_codes,
    funded_shopper,
)
from store.tests.factories_shop import range_variant, wallet_order
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _cards(response) -> list[str]:
    return re.findall(r'data-test="product-card" data-slug="([^"]+)"', response.content.decode())


# --- Catalog ------------------------------------------------------------------------


def test_the_list_shows_live_products_with_badges_prices_and_stock():
    acme = MerchantFactory(slug="acme", name="Acme")
    featured = ProductFactory(slug="acme-card", merchant=acme, is_featured=True, priority=5)
    add_codes(VariantFactory(product=featured, denomination=Decimal("25.00")), 1)
    VariantFactory(product=featured, denomination=Decimal("10.00"))
    seller = ProductFactory(slug="best", is_bestseller=True)
    VariantFactory(product=seller)
    ProductFactory(slug="hidden", is_active=False)

    response = _client().get("/gift-cards/")

    html = response.content.decode()
    assert response.status_code == 200
    assert _cards(response) == ["acme-card", "best"]
    assert html.count('data-test="badge-featured"') == 1
    assert html.count('data-test="badge-bestseller"') == 1
    assert html.count('data-test="in-stock"') == 1
    assert html.count('data-test="sold-out"') == 1
    assert "From <strong>USD 10.00</strong>" in html


def test_the_list_filters_by_brand_category_kind_price_and_stock():
    acme = MerchantFactory(slug="acme")
    food = CategoryFactory(slug="food")
    stocked = VariantFactory(product=ProductFactory(slug="a", merchant=acme, category=food))
    add_codes(stocked, 1)
    VariantFactory(product=ProductFactory(slug="b"), denomination=Decimal("50.00"))
    VariantFactory(product=SaveBucksProductFactory(slug="c"), denomination=Decimal("25.00"))
    client = _client()

    assert _cards(client.get("/gift-cards/", {"brand": "acme"})) == ["a"]
    assert _cards(client.get("/gift-cards/", {"category": "food"})) == ["a"]
    assert _cards(client.get("/gift-cards/", {"kind": "savebucks"})) == ["c"]
    assert _cards(client.get("/gift-cards/", {"min_price": "20", "max_price": "30"})) == ["c"]
    assert sorted(_cards(client.get("/gift-cards/", {"in_stock": "on"}))) == ["a", "c"]
    # Nonsense filters are ignored, never an error page.
    assert client.get("/gift-cards/", {"min_price": "lots", "brand": "nope"}).status_code == 200


@pytest.mark.parametrize("products", [1, 8])
def test_the_list_costs_the_same_queries_whatever_it_holds(django_assert_num_queries, products):
    for _ in range(products):
        product = ProductFactory(merchant=MerchantFactory(), category=CategoryFactory())
        add_codes(VariantFactory(product=product), 1)
        VariantFactory(product=product, denomination=Decimal("25.00"))
    client = _client()
    client.get("/gift-cards/")  # warm the site's own per-process caches

    # brands, categories, count, products with brand and category, variants, stock
    with django_assert_num_queries(6):
        response = client.get("/gift-cards/")

    assert len(_cards(response)) == products


def test_the_product_page_shows_variants_stock_terms_and_my_balance():
    product = ProductFactory(
        slug="acme", terms="No cash value.", cashback_percent=Decimal("3.0000"), validity_days=180
    )
    add_codes(VariantFactory(product=product, denomination=Decimal("10.00")), 1)
    VariantFactory(product=product, denomination=Decimal("50.00"))
    range_variant(product, "5.00", "100.00", "95.0000")
    shopper = funded_shopper("42.00")

    anonymous = _client().get("/gift-cards/acme/").content.decode()
    html = _client(shopper).get("/gift-cards/acme/").content.decode()

    # A pool product's variant is in stock while it has codes: the 10.00 only.
    assert html.count('data-test="variant-in-stock"') == 1
    assert html.count('data-test="variant-sold-out"') == 2
    assert "No cash value." in html and "180 days" in html and "3% cashback" in html
    assert "Your available balance: <strong>USD 42.00</strong>" in html
    assert 'name="idempotency_key"' in html and 'name="amount"' in html
    assert 'name="recipient_email"' not in html  # a brand voucher goes to the buyer
    assert "Log in</a> to buy" in anonymous and 'data-test="buy-form"' not in anonymous


def test_a_deleted_product_is_404():
    ProductFactory(slug="gone", is_active=False)

    assert _client().get("/gift-cards/gone/").status_code == 404


# --- Buying -------------------------------------------------------------------------


def _form(client, slug: str) -> dict:
    html = client.get(f"/gift-cards/{slug}/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    return {"quantity": "1", "payment": "wallet", "idempotency_key": key}


def test_buying_with_the_wallet_lands_on_the_delivered_order():
    shopper = funded_shopper("30.00")
    variant = VariantFactory(product=ProductFactory(slug="acme"))
    add_codes(variant, 2)
    client = _client(shopper)
    data = {**_form(client, "acme"), "variant": variant.pk}

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/gift-cards/acme/", data)

    order = Order.objects.get(user=shopper)
    assert response.status_code == 302
    assert response["Location"] == f"/gift-cards/orders/{order.number}/"
    assert order.status == Order.Status.FULFILLED
    assert balances(shopper) == {"available": Decimal("20.00"), "pending": ZERO, "hold": ZERO}
    page = client.get(response["Location"]).content.decode()
    assert "Delivered" in page and 'data-test="reveal"' in page


def test_a_double_submit_of_one_form_is_one_order():
    shopper = funded_shopper("30.00")
    variant = VariantFactory(product=ProductFactory(slug="acme"))
    add_codes(variant, 2)
    client = _client(shopper)
    data = {**_form(client, "acme"), "variant": variant.pk}

    first = client.post("/gift-cards/acme/", data)
    second = client.post("/gift-cards/acme/", data)

    assert first["Location"] == second["Location"]
    assert Order.objects.filter(user=shopper).count() == 1
    assert Code.objects.filter(status="available").count() == 1
    assert balances(shopper)["available"] + balances(shopper)["hold"] == Decimal("30.00")


def test_each_render_of_the_form_has_a_fresh_key():
    client = _client(ShopperFactory())
    VariantFactory(product=ProductFactory(slug="acme"))

    assert _form(client, "acme")["idempotency_key"] != _form(client, "acme")["idempotency_key"]


def test_a_refusal_is_shown_on_the_form_and_changes_nothing():
    shopper = funded_shopper("5.00")
    variant = VariantFactory(product=ProductFactory(slug="acme"))
    add_codes(variant, 1)
    client = _client(shopper)

    response = client.post("/gift-cards/acme/", {**_form(client, "acme"), "variant": variant.pk})

    assert response.status_code == 200
    assert "Your available balance is USD 5.00; this order needs 10.00." in (
        response.content.decode()
    )
    assert not Order.objects.exists()
    assert Code.objects.get().status == "available"


def test_a_gateway_order_goes_to_its_checkout(settings):
    settings.DEBUG = True
    settings.STORE_GATEWAYS = ["fake"]
    shopper = ShopperFactory()
    variant = VariantFactory(product=ProductFactory(slug="acme"))
    add_codes(variant, 1)
    client = _client(shopper)
    data = {**_form(client, "acme"), "variant": variant.pk, "payment": "gateway", "gateway": "fake"}

    response = client.post("/gift-cards/acme/", data)

    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    assert order.status == Order.Status.PENDING
    assert response.status_code == 302
    assert response["Location"] == payment.checkout_url
    assert payment.checkout_url.endswith(f"/gift-cards/pay/fake/fake_{payment.pk}/")
    page = client.get(order.get_absolute_url()).content.decode()
    assert f'href="{payment.checkout_url}" data-test="pay"' in page
    assert 'data-test="cancel"' in page


def test_the_api_answers_503_when_the_gateway_is_down(settings, monkeypatch):
    settings.DEBUG = True
    settings.STORE_GATEWAYS = ["fake"]
    shopper = funded_shopper("4.00")
    variant = VariantFactory()
    add_codes(variant, 1)

    def down(self, payment, *, return_url):
        raise GatewayError("connection refused")

    monkeypatch.setattr(FakeGateway, "create_checkout", down)
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(shopper)
    body = {
        "items": [{"variant": variant.pk, "quantity": 1}],
        "payment": "mixed",
        "gateway": "fake",
        "idempotency_key": "k",
    }

    response = api.post("/api/v1/me/orders/", body, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "gateway_unavailable"
    assert Order.objects.get().status == Order.Status.FAILED
    assert Code.objects.get().status == "available"
    assert balances(shopper) == {"available": Decimal("4.00"), "pending": ZERO, "hold": ZERO}


def test_an_anonymous_buy_goes_to_the_login():
    variant = VariantFactory(product=ProductFactory(slug="acme"))

    response = _client().post("/gift-cards/acme/", {"variant": variant.pk})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Order.objects.exists()


def test_a_savebucks_card_can_be_sent_to_someone():
    shopper = funded_shopper("30.00")
    variant = VariantFactory(product=SaveBucksProductFactory(slug="sb"))
    client = _client(shopper)
    data = {
        **_form(client, "sb"),
        "variant": variant.pk,
        "recipient_email": "friend@example.com",
        "message": "Enjoy",
    }

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/gift-cards/sb/", data)

    item = Order.objects.get().items.get()
    assert (item.recipient_email, item.recipient_message) == ("friend@example.com", "Enjoy")
    assert item.gift_cards.get().recipient_email == "friend@example.com"


# --- My orders ----------------------------------------------------------------------


def test_my_orders_lists_mine_newest_first_in_fixed_queries(django_assert_num_queries):
    shopper = funded_shopper("100.00")
    variant = VariantFactory()
    add_codes(variant, 5)
    orders = [wallet_order(shopper, variant, key=f"k{n}") for n in range(3)]
    wallet_order(funded_shopper("20.00"), variant, key="x")
    client = _client(shopper)
    client.get("/gift-cards/orders/")

    # session, user, count, orders
    with django_assert_num_queries(4):
        response = client.get("/gift-cards/orders/")

    numbers = re.findall(r'href="/gift-cards/orders/(SB-O\d+)/"', response.content.decode())
    assert numbers == [o.number for o in reversed(orders)]


def test_an_order_page_shows_its_history():
    shopper = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    order = wallet_order(shopper, variant)

    html = _client(shopper).get(order.get_absolute_url()).content.decode()

    history = html.split('data-test="history"')[1]
    assert history.index(": placed") < history.index(": paid") < history.index(": delivered")
    assert 'data-test="cancel"' not in html  # delivered: only staff can refund


def test_my_orders_needs_a_login_and_another_shoppers_order_is_404():
    owner = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    order = wallet_order(owner, variant)

    assert "/accounts/login/" in _client().get("/gift-cards/orders/")["Location"]
    assert _client(ShopperFactory()).get(order.get_absolute_url()).status_code == 404


def test_the_header_links_to_the_gift_cards():
    html = _client().get("/gift-cards/").content.decode()

    assert 'href="/gift-cards/" data-test="nav-gift-cards">Gift cards</a>' in html
