from django.contrib import admin

from accounts.admin_base import AuditedAdminMixin

from .models import WithdrawalMethod


@admin.register(WithdrawalMethod)
class WithdrawalMethodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "is_enabled", "minimum_amount", "fee_fixed", "fee_percent")
    list_editable = ("is_enabled", "minimum_amount", "fee_fixed", "fee_percent")
    list_filter = ("is_enabled",)
