from django.contrib import admin, messages

from accounts.admin_base import AuditedAdminMixin, ReadOnlyAdminMixin
from accounts.services import audit_log

from ..models import UserTier, VipTier
from ..services.tiers import recompute_tiers


@admin.register(VipTier)
class VipTierAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "threshold",
        "topup_percent",
        "daily_bonus_multiplier",
        "sort_order",
    )
    prepopulated_fields = {"slug": ("name",)}
    actions = ["recompute_now"]

    @admin.action(
        description="Recompute every shopper's tier now (any selection)", permissions=["change"]
    )
    def recompute_now(self, request, queryset):
        # Tiers are recomputed for everyone: the selection only starts the action.
        report = recompute_tiers()
        audit_log(
            actor=request.user,
            action="gamification.recompute_tiers",
            entity=None,
            metadata={"shoppers": report.shoppers, "changed": report.changed},
            request=request,
        )
        self.message_user(
            request,
            f"Tiers recomputed: {report.shoppers} shoppers, {report.changed} changed.",
            messages.SUCCESS,
        )


@admin.register(UserTier)
class UserTierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "tier", "since", "computed_at")
    list_filter = ("tier",)
    search_fields = ("user__email",)
    list_select_related = ("user", "tier")
