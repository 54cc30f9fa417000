from django.contrib import admin

from accounts.admin_base import HTTPS_URL_FIELDS, AuditedAdminMixin

from ..models import Page


@admin.register(Page)
class PageAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "status", "show_in_footer", "updated_at")
    list_filter = ("status", "show_in_footer")
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    formfield_overrides = HTTPS_URL_FIELDS
