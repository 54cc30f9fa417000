from django.contrib import admin

from accounts.admin_base import AuditedAdminMixin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "status", "visibility", "created_at")
    list_filter = ("status", "visibility")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
