from django.contrib import admin

from accounts.admin_base import BigTableAdmin, ReadOnlyAdminMixin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("created_at", "user", "kind", "points", "description")
    list_filter = ("kind",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
