"""Store admin: SaveBucks gift cards. Staff see the last four characters, the values and
who bought it for whom; never the code. Cards are disabled (Finance, with a reason,
audited by gift_card_disable), never deleted, not even by a superuser."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from accounts.admin_base import BigTableAdmin, apply_each

from ..models import GiftCard
from ..services.giftcards import gift_card_disable


class DisableForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit log and on the card.",
    )


@admin.register(GiftCard)
class GiftCardAdmin(BigTableAdmin):
    list_display = (
        "last4_masked",
        "initial_value",
        "remaining_value",
        "currency",
        "status",
        "buyer",
        "recipient_email",
        "expires_at",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("=last4", "buyer__email", "recipient_email")
    list_select_related = ("buyer",)
    date_field = "created_at"
    # Every field but the code and its digest.
    fields = (
        "last4_masked",
        "initial_value",
        "remaining_value",
        "currency",
        "status",
        "buyer",
        "order_item",
        "recipient_email",
        "message",
        "expires_at",
        "redeemed_by",
        "redeemed_at",
        "disabled_at",
        "disabled_reason",
        "first_revealed_at",
        "reveal_count",
        "created_at",
    )
    readonly_fields = fields
    actions = ("disable",)

    def has_add_permission(self, request):
        return False  # cards are issued by fulfilment

    def has_change_permission(self, request, obj=None):
        return False  # the disable action is the one change staff make

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger and the buyer's order point at the card

    def has_disable_permission(self, request):
        return request.user.has_perm("store.disable_giftcard")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        # A four-character term is a card's last four (stored upper case).
        return super().get_search_results(
            request, queryset, term.upper() if len(term) == 4 else term
        )

    @admin.display(description="Card", ordering="last4")
    def last4_masked(self, card):
        return f"••••{card.last4}"

    @admin.action(description="Disable (give the reason on the next page)", permissions=["disable"])
    def disable(self, request, queryset):
        form = DisableForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Disable gift cards",
                "opts": self.model._meta,
                "cards": queryset.select_related("buyer"),
                "form": form,
                "action": "disable",
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            }
            return TemplateResponse(request, "admin/store/giftcard/disable.html", context)
        reason = form.cleaned_data["reason"]
        apply_each(
            self,
            request,
            list(queryset),
            lambda card: gift_card_disable(
                card=card, actor=request.user, reason=reason, request=request
            ),
            "disabled",
        )
        return None
