"""Stock counts for variant rows, computed in the changelist's own query: one
annotation per status instead of three COUNT queries per row."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from ..models import Code


def with_stock(queryset):
    today = timezone.localdate()
    sellable = Q(codes__status=Code.Status.AVAILABLE) & (
        Q(codes__expires_on__isnull=True) | Q(codes__expires_on__gt=today)
    )
    return queryset.annotate(
        stock_available=Count("codes", filter=sellable),
        stock_reserved=Count("codes", filter=Q(codes__status=Code.Status.RESERVED)),
        stock_sold=Count("codes", filter=Q(codes__status=Code.Status.SOLD)),
    )


class StockColumns:
    """Available (sellable: not expired) / reserved / sold columns over `with_stock`."""

    @admin.display(description="Available")
    def available(self, variant):
        return getattr(variant, "stock_available", "—")

    @admin.display(description="Reserved")
    def reserved(self, variant):
        return getattr(variant, "stock_reserved", "—")

    @admin.display(description="Sold")
    def sold(self, variant):
        return getattr(variant, "stock_sold", "—")
