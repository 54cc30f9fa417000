"""Public, read-only catalog API: categories, merchants, offers (live ones only)."""

import django_filters
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from config.api_fields import UrlTemplateField
from config.api_filters import StrictBooleanFilter
from config.money import MONEY_FIELD, RATE_FIELD

from . import selectors
from .models import Category, Merchant, Offer
from .models.terms import CashbackType


class CashbackSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=CashbackType.choices)
    value = serializers.DecimalField(**RATE_FIELD)
    max = serializers.DecimalField(**MONEY_FIELD, allow_null=True)
    label = serializers.CharField()


def _cashback(obj) -> dict:
    terms = obj.cashback_terms()
    return {"type": terms.type, "value": terms.value, "max": terms.max, "label": obj.cashback_label}


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "parent", "icon", "is_featured", "sort_order"]


class MerchantSerializer(serializers.ModelSerializer):
    cashback = serializers.SerializerMethodField()
    click_out_url = serializers.SerializerMethodField()
    website = UrlTemplateField(read_only=True, allow_blank=True)

    class Meta:
        model = Merchant
        fields = [
            "id",
            "name",
            "slug",
            "website",
            "description",
            "cashback",
            "confirmation_days",
            "is_featured",
            "click_out_url",
        ]

    @extend_schema_field(CashbackSerializer)
    def get_cashback(self, merchant) -> dict:
        return CashbackSerializer(_cashback(merchant)).data

    def get_click_out_url(self, merchant) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("tracking:out-merchant", args=[merchant.slug])
        )


class OfferMerchantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = ["id", "name", "slug"]


class OfferSerializer(serializers.ModelSerializer):
    merchant = OfferMerchantSerializer()
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    type = serializers.ChoiceField(source="offer_type", choices=Offer.Type.choices, read_only=True)
    cashback = serializers.SerializerMethodField()
    click_out_url = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "title",
            "description",
            "type",
            "coupon_code",
            "merchant",
            "category",
            "cashback",
            "starts_at",
            "ends_at",
            "is_featured",
            "is_exclusive",
            "is_verified",
            "terms",
            "click_out_url",
        ]

    @extend_schema_field(CashbackSerializer)
    def get_cashback(self, offer) -> dict:
        return CashbackSerializer(_cashback(offer)).data

    def get_click_out_url(self, offer) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("tracking:out-offer", args=[offer.pk])
        )


class OfferFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        method="filter_category", help_text="Category slug (includes its subcategories)."
    )
    merchant = django_filters.CharFilter(field_name="merchant__slug", help_text="Store slug.")
    type = django_filters.ChoiceFilter(field_name="offer_type", choices=Offer.Type.choices)
    featured = StrictBooleanFilter(field_name="is_featured")
    search = django_filters.CharFilter(method="filter_search", help_text="Words to look for.")

    class Meta:
        model = Offer
        fields = ["category", "merchant", "type", "featured", "search"]

    def filter_category(self, queryset, name, value):
        category = Category.objects.filter(slug=value, is_active=True).first()
        if category is None:
            return queryset.none()
        return queryset.filter(category_id__in=selectors.category_with_descendants(category))

    def filter_search(self, queryset, name, value):
        _, matches = selectors.search(value)
        return queryset.filter(pk__in=matches.values("pk"))


class MerchantFilter(django_filters.FilterSet):
    featured = StrictBooleanFilter(field_name="is_featured")
    search = django_filters.CharFilter(method="filter_search")

    class Meta:
        model = Merchant
        fields = ["featured", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(slug__icontains=value.lower()))


class PublicApiMixin:
    permission_classes = [AllowAny]
    authentication_classes: list = []  # public data: no session, no CSRF


class CategoryListApi(PublicApiMixin, generics.ListAPIView):
    serializer_class = CategorySerializer
    queryset = Category.objects.filter(is_active=True).order_by("sort_order", "name")
    filterset_fields = ["parent", "is_featured"]


class MerchantListApi(PublicApiMixin, generics.ListAPIView):
    serializer_class = MerchantSerializer
    queryset = Merchant.objects.live().order_by("-priority", "name")
    filterset_class = MerchantFilter
    ordering_fields = ["name", "priority", "created_at"]


class MerchantDetailApi(PublicApiMixin, generics.RetrieveAPIView):
    serializer_class = MerchantSerializer
    queryset = Merchant.objects.live()
    lookup_field = "slug"


class OfferListApi(PublicApiMixin, generics.ListAPIView):
    serializer_class = OfferSerializer
    queryset = selectors.live_offers().select_related("category").order_by("-priority", "-id")
    filterset_class = OfferFilter
    ordering_fields = ["priority", "created_at", "ends_at", "title", "clicks_count"]


class OfferDetailApi(PublicApiMixin, generics.RetrieveAPIView):
    serializer_class = OfferSerializer
    queryset = selectors.live_offers().select_related("category")
