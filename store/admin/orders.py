"""Store admin: orders with their items, payments, refunds and status history; payments,
webhook events and refunds. All of it is a financial record: read-only here. What staff
may do goes through actions that call services: Finance refunds an order
(order_refund.refund_orders) and retries a refund the gateway refused."""

from django.contrib import admin
from django.db import transaction

from accounts.admin_base import (
    BigTableAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    StatusHistoryInline,
    staff_each,
)
from accounts.services import audit_log

from ..models import Order, OrderItem, Payment, Refund, WebhookEvent
from ..services.refunds_gateway import gateway_refund_retry
from .order_refund import refund_orders


class _SeenWithOrder:
    """Whoever may see the order sees its lines (a Support agent has no permission on
    items or refunds of their own). Never on a POST: there is nothing to submit."""

    def has_view_permission(self, request, obj=None):
        return request.method != "POST"

    def has_change_permission(self, request, obj=None):
        return False


class OrderItemInline(_SeenWithOrder, ReadOnlyTabularInline):
    model = OrderItem
    fields = (
        "name",
        "sku",
        "kind",
        "denomination",
        "unit_price",
        "quantity",
        "line_total",
        "status",
        "recipient_email",
        "delivered_at",
    )


class PaymentInline(_SeenWithOrder, ReadOnlyTabularInline):
    model = Payment
    fields = (
        "provider",
        "provider_order_id",
        "provider_payment_id",
        "amount",
        "currency",
        "status",
        "refunded_amount",
        "flagged",
        "captured_at",
    )


class RefundInline(_SeenWithOrder, ReadOnlyTabularInline):
    model = Refund
    fk_name = "order"
    fields = ("created_at", "wallet_amount", "gateway_amount", "status", "reason", "actor")


@admin.register(Order)
class OrderAdmin(BigTableAdmin):
    list_display = (
        "number",
        "user_email",
        "status",
        "total",
        "wallet_used",
        "gateway_amount",
        "payment_method",
        "gateway",
        "flagged",
        "created_at",
    )
    list_filter = ("status", "payment_method", "gateway", "flagged")
    search_fields = ("=number", "user__email")
    search_help_text = "Order number (SB-O000123) or the shopper's email."
    list_select_related = ("user",)
    date_field = "created_at"
    inlines = [OrderItemInline, PaymentInline, RefundInline, StatusHistoryInline]
    actions = (refund_orders,)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False  # orders are placed by shoppers, through order_place

    def has_change_permission(self, request, obj=None):
        return False  # a financial record: refunds are the action

    def has_delete_permission(self, request, obj=None):
        return False

    def has_refund_permission(self, request):
        return request.user.has_perm("store.refund_order")

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Refunds move money: Finance's alone, whatever the action itself declares.
        if not self.has_refund_permission(request):
            actions.pop("refund_orders", None)
        return actions

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip())

    @admin.display(description="Shopper", ordering="user__email")
    def user_email(self, order):
        return order.user.email


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = (
        "order",
        "provider",
        "provider_payment_id",
        "amount",
        "currency",
        "status",
        "flagged",
        "created_at",
    )
    list_filter = ("status", "provider", "flagged")
    search_fields = ("=order__number", "=provider_order_id", "=provider_payment_id")
    list_select_related = ("order",)
    date_field = "created_at"
    # checkout_url is the shopper's own pay link: not for staff to open.
    exclude = ("checkout_url",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("received_at", "provider", "event_type", "event_id", "payment", "outcome")
    list_filter = ("provider", "event_type")
    search_fields = ("=event_id",)
    list_select_related = ("payment__order",)
    date_field = "received_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = (
        "id",
        "created_at",
        "order",
        "wallet_amount",
        "gateway_amount",
        "status",
        "actor",
        "last_error",
    )
    list_filter = ("status",)
    search_fields = ("=order__number",)
    list_select_related = ("order", "actor")
    date_field = "created_at"
    actions = ("retry_gateway_refunds",)

    def has_retry_permission(self, request):
        return request.user.has_perm("store.change_refund")

    @admin.action(description="Retry failed gateway refunds", permissions=["retry"])
    def retry_gateway_refunds(self, request, queryset):
        staff_each(self, request, queryset, _refund_retry, "refund", "sent again")


def _refund_retry(*, refund: Refund, actor, request) -> bool:
    """gateway_refund_retry (failed → pending, sent after commit), audited: who sent
    money to the gateway again."""
    with transaction.atomic():
        sent = gateway_refund_retry(refund)
        if sent:
            audit_log(
                actor=actor,
                action="store.gateway_refund_retry",
                entity=refund,
                metadata={"order": refund.order_id, "amount": str(refund.gateway_amount)},
                request=request,
            )
    return sent
