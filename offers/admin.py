from django.contrib import admin

from accounts.admin_base import AuditedAdminMixin

from .models import Category


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "parent", "slug", "sort_order", "is_featured", "is_active")
    list_filter = ("is_active", "is_featured")
    list_editable = ("sort_order", "is_featured", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
