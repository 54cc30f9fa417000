from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin_base import HTTPS_URL_FIELDS, AuditedAdminMixin

from .models import Campaign, Goal
from .services import campaign_rotate_token


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = (
        "name",
        "commission_type",
        "commission_value",
        "tracking_code",
        "status",
        "is_default",
    )


@admin.register(Campaign)
class CampaignAdmin(AuditedAdminMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = (
        "name",
        "slug",
        "status",
        "visibility",
        "campaign_type",
        "token",
        "holding_days",
    )
    list_filter = ("status", "visibility", "campaign_type")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("token", "postback_url")
    inlines = (GoalInline,)
    actions = ("rotate_token",)

    @admin.display(description="Postback token")
    def token(self, campaign):
        return f"…{campaign.postback_token_hint}" if campaign.postback_token_hint else "not set"

    @admin.display(description="Conversion postback URL")
    def postback_url(self, campaign):
        return format_html(
            "<code>{}?token=…&amp;click_id={{click_id}}&amp;goal=…&amp;txn_id=…&amp;amount=…</code>",
            reverse("tracking:conversion-postback"),
        )

    def _show_once(self, request, campaign, token):
        messages.warning(
            request,
            f"{campaign}: new postback token {token} — copy it now, it will not be shown again.",
        )

    def has_manage_campaign_secrets_permission(self, request, obj=None):
        return request.user.has_perm("campaigns.manage_campaign_secrets")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            return
        if self.has_manage_campaign_secrets_permission(request):
            self._show_once(
                request,
                obj,
                campaign_rotate_token(campaign=obj, actor=request.user, request=request),
            )
        else:
            messages.info(request, f"{obj}: an Administrator issues its conversion token.")

    @admin.action(
        description="Rotate the conversion postback token",
        permissions=["manage_campaign_secrets"],
    )
    def rotate_token(self, request, queryset):
        for campaign in queryset:
            self._show_once(
                request,
                campaign,
                campaign_rotate_token(campaign=campaign, actor=request.user, request=request),
            )


@admin.register(Goal)
class GoalAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "campaign",
        "commission_type",
        "commission_value",
        "tracking_code",
        "status",
        "is_default",
    )
    list_filter = ("status", "commission_type", "campaign")
    search_fields = ("name", "tracking_code", "campaign__name")
    list_select_related = ("campaign",)
