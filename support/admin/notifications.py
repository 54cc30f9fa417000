from django.contrib import admin

from accounts.admin_base import BigTableAdmin

from ..models import Notification


@admin.register(Notification)
class NotificationAdmin(BigTableAdmin):
    list_display = ("created_at", "user", "category", "title", "read_at")
    search_fields = ("user__email", "title")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
