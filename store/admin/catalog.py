"""Store admin: products and their variants with stock levels.

Products are removed from sale (soft delete), never deleted: orders point at them.
Content editors write the catalogue; what it costs and earns is Finance's: the cashback
percent, the kind, the source of the codes and the currency are read-only for anyone
who may not change variants (prices)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin_base import AuditedAdminMixin, staff_each

from ..models import Product, Variant
from ..services.product_removal import product_remove_from_sale
from .stock import StockColumns, with_stock

PRICING_PERMISSION = "store.change_variant"
MONEY_FIELDS = ("cashback_percent", "kind", "source", "supplier_product_id", "currency")


class VariantInline(StockColumns, admin.TabularInline):
    model = Variant
    extra = 0
    can_delete = False
    fields = (
        "denomination",
        "selling_price",
        "min_value",
        "max_value",
        "price_percent",
        "cost_price",
        "is_available",
        "low_stock_threshold",
        "sort_order",
        "available",
        "reserved",
        "sold",
    )
    readonly_fields = ("available", "reserved", "sold")

    def get_queryset(self, request):
        return with_stock(super().get_queryset(request))


class RemovedFilter(admin.SimpleListFilter):
    title = "on sale"
    parameter_name = "removed"

    def lookups(self, request, model_admin):
        return (("no", "Not removed"), ("yes", "Removed from sale"))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


@admin.register(Product)
class ProductAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "sku",
        "kind",
        "merchant",
        "source",
        "is_active",
        "deleted_at",
        "cashback_percent",
        "priority",
    )
    list_filter = ("kind", "source", "is_active", RemovedFilter, "merchant")
    search_fields = ("name", "sku", "slug", "merchant__name")
    list_select_related = ("merchant",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("merchant",)
    readonly_fields = ("deleted_at", "created_at", "updated_at")
    inlines = [VariantInline]
    actions = ("remove_from_sale",)
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # What a purchase earns is money the platform pays, and where its codes come from
        # (our pool, or bought from the supplier at fulfilment) and in which currency it
        # sells are stock and prices: Finance's, not the editors'.
        if not request.user.has_perm(PRICING_PERMISSION):
            fields[:0] = MONEY_FIELDS
        return fields

    def has_delete_permission(self, request, obj=None):
        return False  # remove from sale instead: orders keep pointing at products

    @admin.action(description="Remove from sale", permissions=["change"])
    def remove_from_sale(self, request, queryset):
        staff_each(
            self, request, queryset, product_remove_from_sale, "product", "removed from sale"
        )


@admin.register(Variant)
class VariantAdmin(StockColumns, AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "product",
        "value",
        "selling_price",
        "cost_price",
        "is_available",
        "low_stock_threshold",
        "available",
        "reserved",
        "sold",
        "import_link",
    )
    list_display_links = ("value",)
    list_filter = ("is_available", "product__kind", "product__source")
    search_fields = ("product__name", "product__sku")
    list_select_related = ("product",)
    raw_id_fields = ("product",)
    readonly_fields = ("low_stock_alerted_at", "available", "reserved", "sold")
    show_full_result_count = False

    def get_queryset(self, request):
        return with_stock(super().get_queryset(request))

    def has_delete_permission(self, request, obj=None):
        return False  # unavailable instead: orders and codes point at variants

    @admin.display(description="Value", ordering="denomination")
    def value(self, variant):
        if variant.is_fixed:
            return variant.denomination
        return f"{variant.min_value} to {variant.max_value}"

    @admin.display(description="Codes")
    def import_link(self, variant):
        if variant.product.source != Product.Source.POOL:
            return "—"
        return format_html(
            '<a href="{}">Import codes</a>', reverse("admin:store_code_import", args=[variant.pk])
        )
