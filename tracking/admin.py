from django.contrib import admin

from accounts.admin_base import BigTableAdmin, ReadOnlyAdminMixin

from .models import PostbackLog


@admin.register(PostbackLog)
class PostbackLogAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("received_at", "kind", "source", "outcome", "http_status", "code", "remote_ip")
    list_filter = ("kind", "outcome")
    search_fields = ("source", "code", "remote_ip")
    date_hierarchy = "received_at"
