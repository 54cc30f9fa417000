from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import path

from accounts.admin_base import (
    HTTPS_URL_FIELDS,
    AuditedAdminMixin,
    BigTableAdmin,
    FieldsReadOnlyMixin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    ReasonActionForm,
    StatusHistoryInline,
    action_reason,
    apply_each,
    staff_each,
)
from accounts.services.own_account import refuse_own_account
from campaigns.models import Campaign
from config.errors import Refusal, form_refused
from config.fields import masked_url

from . import selectors
from .models import (
    ApiKey,
    Conversion,
    Link,
    Partner,
    PartnerCampaign,
    PartnerGoalCommission,
    PartnerPostback,
    PostbackDelivery,
)
from .models.postbacks import DELIVERY_OUTCOME_FIELDS
from .services.access import campaign_access_decide, campaign_access_grant
from .services.apikeys import api_key_revoke
from .services.conversions import conversion_release_hold, conversion_set_status
from .services.links import link_check
from .services.partners import partner_decide


class PartnerCampaignInline(ReadOnlyTabularInline):
    # Access is decided only through campaign_access_decide (the actions), never typed in.
    model = PartnerCampaign
    fk_name = "partner"
    fields = ("campaign", "status", "note", "decided_at")


class PartnerActionForm(ReasonActionForm):
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.exclude(status=Campaign.Status.ENDED),
        required=False,
        label="Campaign (to invite to)",
    )


def _chosen_campaign(request):
    # The admin has validated the action form (an ended campaign is no choice) before
    # any action runs.
    return PartnerActionForm.base_fields["campaign"].clean(request.POST.get("campaign"))


class GoalCommissionInline(admin.TabularInline):
    model = PartnerGoalCommission
    extra = 0
    raw_id_fields = ("goal",)


@admin.register(Partner)
class PartnerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("name", "company", "user", "status", "approved_at", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "company", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    # Payout details and tax id are secrets: never shown, never typed over here.
    exclude = ("payout_details", "tax_id")
    # The payout method goes with the details the partner confirmed with its password (and
    # was told about by email): changed only by the partner, never by staff here.
    # The team is the partner's to manage (portal, audited): staff re-pointing it would
    # hand the account to another team.
    readonly_fields = (
        "status",
        "status_reason",
        "team",
        "payout_method",
        "approved_at",
        "created_at",
        "updated_at",
    )
    inlines = (PartnerCampaignInline, GoalCommissionInline, StatusHistoryInline)

    def has_change_permission(self, request, obj=None):
        # Its own partner account (rates, inlines) is another staff member's to change.
        own = obj is not None and obj.user_id == request.user.pk
        return not own and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Re-pointing a partner at another login would hand over its earnings.
        if obj is None:
            return self.readonly_fields
        return ("user", *self.readonly_fields)

    action_form = PartnerActionForm
    actions = ("approve", "reject", "suspend", "reinstate", "invite_to_campaign")
    change_list_template = "admin/affiliates/partner/change_list.html"

    def get_urls(self):
        return [
            path(
                "overview/",
                self.admin_site.admin_view(self.overview_view),
                name="affiliates_overview",
            ),
            *super().get_urls(),
        ]

    def overview_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Affiliate programme: last 30 days",
            "top_partners": selectors.top_partners(),
            "top_campaigns": selectors.top_campaigns(),
        }
        return render(request, "admin/affiliates/overview.html", context)

    def _decide(self, request, queryset, decision, what):
        reason = action_reason(request)
        rows = queryset.select_related("user")
        staff_each(
            self, request, rows, partner_decide, "partner", what, decision=decision, reason=reason
        )

    @admin.action(description="Approve selected partners", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, "approve", "approved")

    @admin.action(
        description="Reject selected applications (give a reason)", permissions=["change"]
    )
    def reject(self, request, queryset):
        self._decide(request, queryset, "reject", "rejected")

    @admin.action(description="Suspend selected partners (give a reason)", permissions=["change"])
    def suspend(self, request, queryset):
        self._decide(request, queryset, "suspend", "suspended")

    @admin.action(description="Reinstate selected partners", permissions=["change"])
    def reinstate(self, request, queryset):
        self._decide(request, queryset, "reinstate", "reinstated")

    @admin.action(description="Invite partner to the chosen campaign", permissions=["change"])
    def invite_to_campaign(self, request, queryset):
        campaign = _chosen_campaign(request)
        if campaign is None:
            self.message_user(request, "Choose the campaign to invite to.", messages.ERROR)
            return

        def invite(partner):
            return campaign_access_grant(
                partner=partner, campaign=campaign, actor=request.user, request=request
            )

        apply_each(self, request, list(queryset), invite, f"invited to {campaign}")


@admin.register(PartnerCampaign)
class PartnerCampaignAdmin(admin.ModelAdmin):
    inlines = (StatusHistoryInline,)
    list_display = ("partner", "campaign", "status", "requested_at", "decided_at")
    list_filter = ("status", "campaign")
    search_fields = ("partner__name", "partner__user__email", "campaign__name")
    list_select_related = ("partner", "campaign")
    raw_id_fields = ("partner",)
    # Status moves only through the actions (campaign_access_decide); invitations through
    # the partners' "Invite partner" action (campaign_access_grant).
    readonly_fields = ("partner", "campaign", "status", "decided_by", "decided_at")
    action_form = ReasonActionForm
    actions = ("approve", "reject")

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, approve):
        what = "approved" if approve else "rejected"
        reason = action_reason(request)
        rows = queryset.select_related("partner")
        staff_each(
            self,
            request,
            rows,
            campaign_access_decide,
            "access",
            what,
            approve=approve,
            reason=reason,
        )

    @admin.action(description="Approve access", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Reject access (give a reason)", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


class LinkAdminForm(forms.ModelForm):
    """A link made here obeys link_create's rules, and is never one's own partner's."""

    actor = None  # the staff member, set by LinkAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        adding = self.instance.pk is None
        partner = cleaned.get("partner") if adding else self.instance.partner
        campaign = cleaned.get("campaign") if adding else self.instance.campaign
        if partner is None or campaign is None or "destination_url" not in cleaned:
            return cleaned
        try:
            if adding:
                refuse_own_account(
                    actor=self.actor, owner_id=partner.user_id, doing="make a link for a partner"
                )
            cleaned["destination_url"] = link_check(
                partner=partner, campaign=campaign, destination_url=cleaned["destination_url"]
            )
        except Refusal as refused:
            form_refused(self, refused)
        return cleaned


@admin.register(Link)
class LinkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = LinkAdminForm
    list_display = (
        "name",
        "slug",
        "partner",
        "campaign",
        "status",
        "clicks_count",
        "conversions_count",
        "earnings",
    )
    list_filter = ("status", "campaign")
    search_fields = ("name", "slug", "partner__name")
    list_select_related = ("partner", "campaign")
    raw_id_fields = ("partner",)
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Re-pointing a live link at another partner (or campaign) would hand over the
        # commission its traffic earns: a link keeps the owner it was made for.
        if obj is None:
            return self.readonly_fields
        return ("partner", "campaign", *self.readonly_fields)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form


@admin.register(Conversion)
class ConversionAdmin(FieldsReadOnlyMixin, BigTableAdmin):
    inlines = (StatusHistoryInline,)
    list_display = (
        "txn_id",
        "partner",
        "campaign",
        "goal",
        "amount",
        "commission",
        "status",
        "on_hold",
        "created_at",
    )
    list_filter = ("status", "on_hold", "campaign")
    search_fields = ("txn_id", "partner__name", "=click_uuid")
    list_select_related = ("partner", "campaign", "goal")
    date_field = "created_at"
    action_form = ReasonActionForm
    actions = ("approve", "decline", "release_hold")

    def _move(self, request, queryset, status, what):
        reason = action_reason(request)
        staff_each(
            self,
            request,
            queryset,
            conversion_set_status,
            "conversion",
            what,
            status=status,
            reason=reason,
        )

    @admin.action(description="Approve selected conversions", permissions=["change"])
    def approve(self, request, queryset):
        self._move(request, queryset, Conversion.Status.APPROVED, "approved")

    @admin.action(
        description="Decline selected conversions (give a reason)", permissions=["change"]
    )
    def decline(self, request, queryset):
        if not action_reason(request):
            self.message_user(
                request, "Give a reason to decline: the partner sees it.", messages.ERROR
            )
            return
        self._move(request, queryset, Conversion.Status.DECLINED, "declined")

    @admin.action(description="Release from hold (reviewed)", permissions=["change"])
    def release_hold(self, request, queryset):
        apply_each(
            self,
            request,
            list(queryset),
            lambda c: conversion_release_hold(conversion=c, actor=request.user, request=request),
            "released",
        )


class MaskedUrlMixin:
    @admin.display(description="URL (query values hidden)")
    def url_masked(self, row):
        return masked_url(row.url)


class PostbackDeletedFilter(admin.SimpleListFilter):
    title = "deleted by the partner"
    parameter_name = "deleted"
    field = "deleted_at"

    def lookups(self, request, model_admin):
        return [("no", "Not deleted"), ("yes", "Deleted")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class DeliveryPostbackDeletedFilter(PostbackDeletedFilter):
    """Deliveries by whether their postback was deleted (Django's empty-field filter read
    "By deleted at: Empty / Not empty", which staff took for the delivery's own state)."""

    title = "postback deleted by the partner"
    parameter_name = "postback_deleted"
    field = "postback__deleted_at"


@admin.register(PartnerPostback)
class PartnerPostbackAdmin(MaskedUrlMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A partner's own integration: set up and changed by the partner (its portal and API),
    where the service checks the URL is public and the campaign open to it."""

    list_display = (
        "partner",
        "method",
        "url_masked",
        "campaign",
        "goal",
        "is_active",
        "deleted_at",
    )
    list_filter = (PostbackDeletedFilter, "is_active", "method")
    search_fields = ("partner__name",)
    fields = (
        "partner",
        "method",
        "url_masked",
        "campaign",
        "goal",
        "is_active",
        "created_at",
        "deleted_at",
        "deleted_by",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        # Deleted ones too: their delivery logs stay, and staff must be able to open them.
        return PartnerPostback.all_objects.select_related("partner", "campaign", "goal")


@admin.register(PostbackDelivery)
class PostbackDeliveryAdmin(MaskedUrlMixin, ReadOnlyAdminMixin, BigTableAdmin):
    inlines = (StatusHistoryInline,)
    list_display = (
        "created_at",
        "postback",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    )
    list_filter = ("status", "event", DeliveryPostbackDeletedFilter)
    search_fields = ("postback__partner__name",)
    list_select_related = ("postback",)
    # The sent URL and body carry the partner's credentials: the URL masked, no body.
    fields = ("postback", "conversion", "event", "method", "url_masked", *DELIVERY_OUTCOME_FIELDS)
    readonly_fields = fields


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "partner", "prefix", "role", "created_at", "last_used_at", "revoked_at")
    search_fields = ("partner__name", "prefix")
    actions = ("revoke",)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("affiliates.change_apikey")

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        done = sum(api_key_revoke(key=key) for key in queryset)
        self.message_user(request, f"{done} key(s) revoked.", messages.SUCCESS)
