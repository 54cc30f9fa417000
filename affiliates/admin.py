from django.contrib import admin

from accounts.admin_base import HTTPS_URL_FIELDS, AuditedAdminMixin

from .models import Partner


@admin.register(Partner)
class PartnerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "company", "user", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "company", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    formfield_overrides = HTTPS_URL_FIELDS
    # Payout details and tax id are secrets: never shown, never typed over here.
    exclude = ("payout_details", "tax_id")
    readonly_fields = ("approved_at", "created_at", "updated_at")
