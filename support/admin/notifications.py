"""Notifications in the admin: the notices, the deliveries (failures listed, their last
error shown, "retry" re-queues them, audited) and the preferences, all read-only."""

from django.contrib import admin
from django.utils import timezone

from accounts.admin_base import BigTableAdmin, report_action
from accounts.services import audit_log

from ..models import Notification, NotificationDelivery, NotificationPreference
from ..services.delivery import STUCK_AFTER, deliveries_retry

Status = NotificationDelivery.Status


@admin.register(Notification)
class NotificationAdmin(BigTableAdmin):
    list_display = ("created_at", "user", "category", "title", "read_at")
    search_fields = ("user__email", "title")
    list_select_related = ("user",)
    raw_id_fields = ("user",)

    # Read-only: a notice added, edited or deleted by hand drifts from the unread counter
    # (an unread one deleted leaves a bell nobody can clear; a read one made unread again
    # drives the counter below zero at the next "mark all read"), and staff could put
    # words in the site's mouth. Notices come from notify() only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NeedsStaffFilter(admin.SimpleListFilter):
    """What staff came for: failed ones, and those cut off mid-send."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("stuck", "Stuck while sending")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status=Status.FAILED)
        if self.value() == "stuck":
            return queryset.filter(status=Status.SENDING, sent_at__lt=timezone.now() - STUCK_AFTER)
        return queryset


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(BigTableAdmin):
    list_display = (
        "created_at",
        "user_email",
        "channel",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    )
    list_filter = (NeedsStaffFilter, "status", "channel")
    search_fields = ("notification__user__email",)
    list_select_related = ("notification__user",)
    actions = ["retry"]
    date_field = "created_at"

    # Rows are the record of what was sent: nobody edits, adds or deletes them here; the
    # change permission is what the "retry" action asks for.
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="user", ordering="notification__user__email")
    def user_email(self, delivery):
        return delivery.notification.user.email

    @admin.action(description="Retry (send again)", permissions=["change"])
    def retry(self, request, queryset):
        total = queryset.count()
        retried = deliveries_retry(queryset)
        for delivery in retried:
            audit_log(
                actor=request.user,
                action="notification_delivery.retry",
                entity=delivery,
                metadata={"was": delivery.status, "last_error": delivery.last_error},
                request=request,
            )
        report_action(self, request, len(retried), total, "queued again")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(BigTableAdmin):
    list_display = ("user", "category", "channel", "enabled", "updated_at")
    list_filter = ("category", "channel", "enabled")
    search_fields = ("user__email",)
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
