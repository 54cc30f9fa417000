from django.contrib import admin

from accounts.admin_base import BigTableAdmin, ReadOnlyAdminMixin

from .models import Click, PostbackLog


@admin.register(Click)
class ClickAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("created_at", "click_id", "user", "merchant", "offer", "device_type", "country")
    list_filter = ("device_type",)
    search_fields = ("=click_id", "user__email", "ip")
    list_select_related = ("user", "merchant", "offer")
    date_field = "created_at"


@admin.register(PostbackLog)
class PostbackLogAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = (
        "received_at",
        "kind",
        "source",
        "txn_id",
        "outcome",
        "http_status",
        "code",
        "remote_ip",
    )
    list_filter = ("kind", "outcome", "network")
    search_fields = ("source", "txn_id", "code", "remote_ip")
    list_select_related = ("network",)
    date_field = "received_at"
