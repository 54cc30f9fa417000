"""What the catalog API answers: products with their on-sale variants and stock."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.money import MONEY_FIELD, RATE_FIELD

from .models import Product, Variant


class BrandSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class VariantSerializer(serializers.ModelSerializer):
    denomination = serializers.DecimalField(
        allow_null=True, help_text="Face value; null for a range variant.", **MONEY_FIELD
    )
    price = serializers.DecimalField(
        source="selling_price",
        allow_null=True,
        help_text="Price of a fixed card; null for a range.",
        **MONEY_FIELD,
    )
    min_value = serializers.DecimalField(allow_null=True, **MONEY_FIELD)
    max_value = serializers.DecimalField(allow_null=True, **MONEY_FIELD)
    price_percent = serializers.DecimalField(
        help_text="A range card costs this percent of the value chosen.", **RATE_FIELD
    )
    in_stock = serializers.BooleanField()

    class Meta:
        model = Variant
        fields = [
            "id",
            "denomination",
            "price",
            "min_value",
            "max_value",
            "price_percent",
            "in_stock",
        ]


class ProductSerializer(serializers.ModelSerializer):
    brand = serializers.SerializerMethodField()
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    featured = serializers.BooleanField(source="is_featured")
    bestseller = serializers.BooleanField(source="is_bestseller")
    cashback_percent = serializers.DecimalField(**RATE_FIELD)
    price_from = serializers.DecimalField(allow_null=True, **MONEY_FIELD)
    in_stock = serializers.BooleanField()
    variants = VariantSerializer(many=True, source="on_sale")

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "sku",
            "kind",
            "brand",
            "category",
            "description",
            "terms",
            "delivery",
            "validity_days",
            "featured",
            "bestseller",
            "cashback_percent",
            "currency",
            "price_from",
            "in_stock",
            "variants",
        ]

    @extend_schema_field(BrandSerializer(allow_null=True))
    def get_brand(self, product):
        merchant = product.merchant
        return None if merchant is None else {"slug": merchant.slug, "name": merchant.name}
