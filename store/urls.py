"""The store's pages, one URL module per feature, mounted at the site root."""

from django.urls import include, path

app_name = "store"

urlpatterns = [
    path("", include("store.urls_webhooks")),
    path("", include("store.urls_payments")),
    # Before the catalog: /gift-cards/orders/ and /gift-cards/redeem/ are not products
    # (those slugs are reserved, see store.models.catalog.RESERVED_SLUGS).
    path("", include("store.urls_orders")),
    path("", include("store.urls_giftcards")),
    path("", include("store.urls_catalog")),
]
