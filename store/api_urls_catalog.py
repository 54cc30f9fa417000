"""/api/v1/gift-cards/products/: the catalog."""

from django.urls import path

from .api_catalog import ProductDetailApi, ProductListApi

urlpatterns = [
    path("gift-cards/products/", ProductListApi.as_view(), name="api-store-products"),
    path("gift-cards/products/<slug:slug>/", ProductDetailApi.as_view(), name="api-store-product"),
]
