import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.admin_base import (
    HTTPS_URL_FIELDS,
    AuditedAdminMixin,
    StatusHistoryInline,
    https_formfield,
)
from config.errors import Refusal

from . import admin_top_offers  # noqa: F401  (registers the staff page of top offers)
from .conventions import PRESETS, postback_url_to_paste
from .models import Category, Merchant, MerchantCommission, Network, Offer
from .selectors import offers_holding_categories
from .services.bulk import offers_bulk_update
from .services.imports import offers_export_rows, offers_import_file
from .services.networks import network_rotate_hmac_secret, network_rotate_token


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "parent", "slug", "sort_order", "is_featured", "is_active")
    list_filter = ("is_active", "is_featured")
    list_editable = ("sort_order", "is_featured", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def get_deleted_objects(self, objs, request):
        """A category that offers name cannot be deleted (Offer.category is PROTECT). Say
        so per category with a link to its offers, instead of Django's list of every
        protected offer (thousands, for a big category); the delete page and the "delete
        selected" action both refuse while anything is listed here."""
        holding = offers_holding_categories(list(objs))
        if not holding:
            return super().get_deleted_objects(objs, request)
        changelist = reverse("admin:offers_offer_changelist")
        reasons = [
            format_html(
                '{}: <a href="{}?category__id__exact={}">{} offer(s)</a>, {} of them active. '
                "Move them to another category (or delete them) first; inactive and "
                "deleted offers count too, as they can be turned back on.",
                category,
                changelist,
                category.pk,
                total,
                active,
            )
            for category, total, active in holding
        ]
        return [], {}, set(), reasons


class NetworkForm(forms.ModelForm):
    # Secrets are written, never shown: blank keeps what is stored.
    api_credentials = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Write-only: leave blank to keep the stored credentials.",
    )

    class Meta:
        model = Network
        formfield_callback = https_formfield
        fields = (
            "name",
            "slug",
            "logo",
            "website",
            "status",
            "convention",
            "param_aliases",
            "status_map",
            "ip_allowlist",
            "confirmation_policy",
            "default_commission_rate",
            "report_adapter",
            "report_account_id",
            "api_endpoint",
            "api_credentials",
        )

    # Where the stored token is sent: its endpoint, or (blank) the adapter's documented one.
    TOKEN_TARGET = ("api_endpoint", "report_adapter")

    def clean_api_endpoint(self):
        endpoint = self.cleaned_data["api_endpoint"]
        if endpoint and not endpoint.lower().startswith("https://"):
            raise forms.ValidationError("https:// only: the access token travels in every request.")
        return endpoint

    def clean_api_credentials(self):
        self.credentials_entered = bool(self.cleaned_data["api_credentials"])
        return self.cleaned_data["api_credentials"] or self.instance.api_credentials

    def clean(self):
        cleaned = super().clean()
        # The token is write-only: sending the stored one somewhere new would let whoever
        # runs that host read it. Whoever moves it must know it.
        moved = any(name in self.changed_data for name in self.TOKEN_TARGET)
        if (
            moved
            and self.instance.api_credentials
            and not getattr(self, "credentials_entered", False)
        ):
            self.add_error(
                "api_credentials",
                "Enter the API credentials again: the endpoint or adapter they are sent to "
                "changed.",
            )
        return cleaned


@admin.register(Network)
class NetworkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = NetworkForm
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("name", "slug", "status", "convention", "token_hint", "hmac", "postback_url")
    list_filter = ("status", "convention")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("token_hint", "hmac", "postback_url", "reports_synced_until")
    actions = ("rotate_token", "rotate_hmac_secret")
    audit_secret_fields = ("ip_allowlist",)
    # Credentials, and anything that hints at them, only for manage_network_secrets.
    secret_fields = ("ip_allowlist", "api_credentials", "token_hint", "hmac")

    def has_manage_network_secrets_permission(self, request, obj=None):
        return request.user.has_perm("offers.manage_network_secrets")

    # Without the secrets permission a network is read-only: its settings decide how
    # postbacks credit shoppers, and a new network's token would be shown to its creator.
    def has_add_permission(self, request):
        return self.has_manage_network_secrets_permission(request) and super().has_add_permission(
            request
        )

    def has_change_permission(self, request, obj=None):
        return self.has_manage_network_secrets_permission(
            request
        ) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_manage_network_secrets_permission(
            request
        ) and super().has_delete_permission(request, obj)

    def _without_secrets(self, request, names):
        if self.has_manage_network_secrets_permission(request):
            return names
        return [name for name in names if name not in self.secret_fields]

    def get_fields(self, request, obj=None):
        return self._without_secrets(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = self._without_secrets(request, super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk:
            fields = [*fields, self._url_to_paste(request, obj)]
        return fields

    def _url_to_paste(self, request, network):
        """A read-only field labelled with the network's name and built from the address
        this admin was reached at. Made once per request: the admin finds read-only fields
        by identity, and asks for them more than once while building a page."""
        if getattr(request, "_network_url_to_paste", None) is None:

            def url_to_paste(network):
                endpoint = request.build_absolute_uri(
                    reverse("tracking:network-postback", args=[network.slug])
                )
                return format_html(
                    "<code>{}</code>", postback_url_to_paste(network.convention, endpoint)
                )

            preset = PRESETS[network.convention]
            url_to_paste.short_description = f"Postback URL to paste into {preset.label}"
            request._network_url_to_paste = url_to_paste
        return request._network_url_to_paste

    def get_list_display(self, request):
        return self._without_secrets(request, super().get_list_display(request))

    @admin.display(description="Token")
    def token_hint(self, network):
        return f"…{network.postback_token_hint}" if network.postback_token_hint else "not set"

    @admin.display(description="HMAC", boolean=True)
    def hmac(self, network):
        return bool(network.hmac_secret)

    @admin.display(description="Postback URL")
    def postback_url(self, network):
        if not network.pk:
            return "—"
        return format_html(
            "<code>{}</code>", reverse("tracking:network-postback", args=[network.slug])
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self._show_once(
                request,
                obj,
                "postback token",
                network_rotate_token(network=obj, actor=request.user, request=request),
            )

    def _show_once(self, request, network, what, secret):
        messages.warning(
            request,
            f"{network}: new {what} {secret} — copy it now, it will not be shown again.",
        )

    @admin.action(
        description="Rotate postback token (old one stops working)",
        permissions=["manage_network_secrets"],
    )
    def rotate_token(self, request, queryset):
        for network in queryset:
            self._show_once(
                request,
                network,
                "postback token",
                network_rotate_token(network=network, actor=request.user, request=request),
            )

    @admin.action(description="Generate a new HMAC secret", permissions=["manage_network_secrets"])
    def rotate_hmac_secret(self, request, queryset):
        for network in queryset:
            self._show_once(
                request,
                network,
                "HMAC secret",
                network_rotate_hmac_secret(network=network, actor=request.user, request=request),
            )


class MerchantCommissionInline(admin.TabularInline):
    """A store's rates. Saving or deleting one rebuilds the store's rate card (the copy
    click-outs snapshot: offers.receivers), so what staff see here is what clicks keep."""

    model = MerchantCommission
    extra = 0
    autocomplete_fields = ("category",)
    fields = (
        "label",
        "code",
        "category",
        "commission_type",
        "commission_value",
        "shopper_share",
        "shopper_rate",
        "valid_from",
        "valid_until",
        "is_active",
    )
    readonly_fields = ("shopper_rate",)

    @admin.display(description="Shopper earns")
    def shopper_rate(self, rate):
        return rate.shopper_label if rate.pk else "—"


@admin.register(Merchant)
class MerchantAdmin(AuditedAdminMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = (
        "name",
        "network",
        "cashback_label",
        "shopper_share",
        "confirmation_days",
        "is_featured",
        "priority",
        "is_active",
    )
    list_filter = ("is_active", "is_featured", "network", "cashback_type")
    list_editable = ("is_featured", "priority", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("network",)
    inlines = (MerchantCommissionInline,)


class OfferImportForm(forms.Form):
    network = forms.ModelChoiceField(queryset=Network.objects.all())
    file = forms.FileField(help_text="CSV with a header row (the export's columns), or JSON.")


@admin.register(Offer)
class OfferAdmin(AuditedAdminMixin, admin.ModelAdmin):
    inlines = (StatusHistoryInline,)
    list_display = (
        "title",
        "merchant",
        "offer_type",
        "status",
        "is_featured",
        "ends_at",
        "clicks_count",
        "conversions_count",
    )
    list_filter = ("status", "offer_type", "is_featured", "is_exclusive", "merchant__network")
    search_fields = ("title", "external_id", "coupon_code", "merchant__name")
    autocomplete_fields = ("merchant", "category")
    list_select_related = ("merchant",)
    readonly_fields = (
        "views_count",
        "clicks_count",
        "conversions_count",
        "created_at",
        "updated_at",
    )
    show_full_result_count = False
    actions = ("activate", "deactivate", "feature", "unfeature", "export_csv")
    change_list_template = "admin/offers/offer/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/", self.admin_site.admin_view(self.import_view), name="offers_offer_import"
            ),
            *super().get_urls(),
        ]

    def _bulk(self, request, queryset, verb):
        count = offers_bulk_update(offers=queryset, verb=verb, actor=request.user, request=request)
        self.message_user(request, f"{count} offer(s) {verb}d.", messages.SUCCESS)

    @admin.action(description="Activate selected offers", permissions=["change"])
    def activate(self, request, queryset):
        self._bulk(request, queryset, "activate")

    @admin.action(description="Deactivate selected offers", permissions=["change"])
    def deactivate(self, request, queryset):
        self._bulk(request, queryset, "deactivate")

    @admin.action(description="Feature selected offers", permissions=["change"])
    def feature(self, request, queryset):
        self._bulk(request, queryset, "feature")

    @admin.action(description="Stop featuring selected offers", permissions=["change"])
    def unfeature(self, request, queryset):
        self._bulk(request, queryset, "unfeature")

    @admin.action(description="Export selected offers as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="offers.csv"'
        writer = csv.writer(response)
        writer.writerows(offers_export_rows(queryset.select_related("merchant", "category")))
        return response

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = OfferImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = offers_import_file(
                    network=form.cleaned_data["network"],
                    content=upload.read(),
                    name=upload.name,
                    actor=request.user,
                    request=request,
                )
            except Refusal as refused:
                form.add_error("file", f"Cannot read this file: {refused.detail}")
            else:
                self.message_user(request, f"Import: {report.summary()}.", messages.SUCCESS)
                for line, message in report.errors[:50]:
                    self.message_user(request, f"Line {line}: {message}", messages.ERROR)
                return redirect("admin:offers_offer_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": "Import offers",
        }
        return render(request, "admin/offers/offer/import.html", context)
