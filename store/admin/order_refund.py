"""Finance's refund of delivered orders, as an admin action on orders (listed in
OrderAdmin.actions by store/admin/orders.py). The action leads to a confirmation page
showing, per order, what would be refunded and what cannot be (revealed codes, redeemed
cards), with a required reason; confirming runs `order_refund` on each order through
apply_each (the service holds every rule: permission, own account, status, amounts)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from accounts.admin_base import apply_each

from ..services.refunds import order_refund, order_refund_preview

TEMPLATE = "admin/store/order/refund_confirm.html"


class RefundForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Kept in the audit log and shown in the order's history.",
    )


@admin.action(description="Refund selected orders (unrevealed codes are voided)")
def refund_orders(modeladmin, request, queryset):
    # Checked here as well as in the service so nobody without the permission even sees
    # the confirmation page (the action is listed for every role that views orders).
    if not request.user.has_perm("store.refund_order"):
        modeladmin.message_user(request, "Only Finance may refund store orders.", messages.ERROR)
        return None
    orders = list(queryset.select_related("user").order_by("pk"))
    form = RefundForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": "Refund orders",
            "opts": modeladmin.model._meta,
            "previews": [order_refund_preview(order) for order in orders],
            "form": form,
            "action": "refund_orders",
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, TEMPLATE, context)
    reason = form.cleaned_data["reason"]
    apply_each(
        modeladmin,
        request,
        orders,
        lambda order: order_refund(order=order, actor=request.user, reason=reason, request=request),
        "refunded",
    )
    return None
