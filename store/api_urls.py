"""The store's routes under /api/v1/, one module per feature."""

from django.urls import include, path

urlpatterns = [
    path("", include("store.api_urls_catalog")),
    path("", include("store.api_urls_orders")),
    path("", include("store.api_urls_giftcards")),
]
