"""/api/v1/gift-cards/products/…: the public catalog (no session, no CSRF)."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from config.api_filters import FilterBackend, StrictBooleanFilter
from config.errors import NotFound
from wallet.api import ErrorSerializer

from .models import Product
from .selectors import CatalogFilters, catalog_decorate, product_live, products_live
from .serializers_catalog import ProductSerializer


class PriceField(forms.DecimalField):
    # The digit limits are checked by a validator whose codes the schema cannot ask it
    # for (config.api_schema reads `refusal_codes`).
    refusal_codes = ("max_digits", "max_decimal_places", "max_whole_digits")


class PriceFilter(django_filters.NumberFilter):
    field_class = PriceField


class ProductFilter(django_filters.FilterSet):
    brand = django_filters.CharFilter(method="noop", help_text="A brand's (merchant's) slug.")
    category = django_filters.CharFilter(method="noop", help_text="A category's slug.")
    kind = django_filters.ChoiceFilter(method="noop", choices=Product.Kind.choices)
    min_price = PriceFilter(method="noop", min_value=0, max_digits=14, decimal_places=2)
    max_price = PriceFilter(method="noop", min_value=0, max_digits=14, decimal_places=2)
    in_stock = StrictBooleanFilter(method="noop")
    featured = StrictBooleanFilter(method="noop")

    class Meta:
        model = Product
        fields = ["brand", "category", "kind", "min_price", "max_price", "in_stock", "featured"]

    def noop(self, queryset, name, value):
        return queryset  # applied all at once by filter_queryset, through the selector

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return products_live(
            CatalogFilters(
                brand=data.get("brand") or "",
                category=data.get("category") or "",
                kind=data.get("kind") or "",
                min_price=data.get("min_price"),
                max_price=data.get("max_price"),
                in_stock=data.get("in_stock"),
                featured=data.get("featured"),
            )
        )


class PublicApiMixin:
    permission_classes = [AllowAny]
    authentication_classes: list = []  # public data: no session, no CSRF


class ProductListApi(PublicApiMixin, generics.ListAPIView):
    serializer_class = ProductSerializer
    queryset = products_live()
    filterset_class = ProductFilter
    # The catalog's own order (priority, then name): filters, no `?ordering=`.
    filter_backends = [FilterBackend]

    @extend_schema(summary="Gift cards on sale, with their variants and stock")
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            ProductSerializer(catalog_decorate(page), many=True).data
        )


class ProductDetailApi(PublicApiMixin, generics.GenericAPIView):
    serializer_class = ProductSerializer
    queryset = Product.objects.none()
    filter_backends: list = []

    @extend_schema(
        responses={200: ProductSerializer, 404: ErrorSerializer}, summary="One gift card"
    )
    def get(self, request, slug: str):
        product = product_live(slug)
        if product is None:
            raise NotFound("not_found", "No such gift card on sale.")
        return Response(ProductSerializer(product).data)
