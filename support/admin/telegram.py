"""Telegram in the admin: linked chats (unlink), the updates the bot received
(read-only), and announcements (broadcast)."""

from django.contrib import admin
from django.db.models import Count, Q

from accounts.admin_base import (
    AuditedAdminMixin,
    BigTableAdmin,
    ReadOnlyAdminMixin,
    staff_each,
)
from accounts.models import TelegramLink
from accounts.services.telegram import telegram_unlink

from ..models import Announcement, AnnouncementDelivery, TelegramUpdate
from ..telegram.broadcast import announcement_broadcast


def _unlink(*, link, actor, request):
    return telegram_unlink(chat_id=link.chat_id, actor=actor, reason="unlinked by staff")


def _broadcast(*, announcement, actor, request):
    # Queued is done, even when a restart found every chat's delivery there already.
    announcement_broadcast(announcement=announcement, actor=actor, request=request)
    return True


@admin.register(TelegramLink)
class TelegramLinkAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("user", "username", "chat_id", "announcements", "linked_at")
    list_filter = ("announcements",)
    search_fields = ("user__email", "username")
    list_select_related = ("user",)
    date_field = "linked_at"
    actions = ["unlink"]

    def has_unlink_permission(self, request):
        # Unlinking deletes the row, through the service so it is audited.
        return request.user.has_perm("accounts.delete_telegramlink")

    @admin.action(description="Unlink selected chats", permissions=["unlink"])
    def unlink(self, request, queryset):
        staff_each(self, request, queryset, _unlink, "link", "unlinked")


@admin.register(TelegramUpdate)
class TelegramUpdateAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("update_id", "received_at", "processed_at")
    list_filter = (("processed_at", admin.EmptyFieldListFilter),)
    date_field = "received_at"


class AnnouncementDeliveryInline(admin.TabularInline):
    model = AnnouncementDelivery
    fields = ("chat_id", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    show_change_link = False

    verbose_name_plural = "failed deliveries"

    def get_queryset(self, request):
        # The failures are what staff open the page for; the rest are counted in the list.
        return super().get_queryset(request).filter(status=AnnouncementDelivery.Status.FAILED)


@admin.register(Announcement)
class AnnouncementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "status", "created_by", "created_at", "sent", "failed", "queued")
    list_filter = ("status",)
    fields = ("text", "status", "created_by", "started_at", "finished_at")
    readonly_fields = ("status", "created_by", "started_at", "finished_at")
    list_select_related = ("created_by",)
    inlines = [AnnouncementDeliveryInline]
    actions = ["broadcast"]

    def get_queryset(self, request):
        status = AnnouncementDelivery.Status
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sent=Count("deliveries", filter=Q(deliveries__status=status.SENT)),
                n_failed=Count("deliveries", filter=Q(deliveries__status=status.FAILED)),
                n_queued=Count("deliveries", filter=Q(deliveries__status=status.QUEUED)),
            )
        )

    @admin.display(description="sent", ordering="n_sent")
    def sent(self, obj):
        return obj.n_sent

    @admin.display(description="failed", ordering="n_failed")
    def failed(self, obj):
        return obj.n_failed

    @admin.display(description="queued", ordering="n_queued")
    def queued(self, obj):
        return obj.n_queued

    def get_readonly_fields(self, request, obj=None):
        # What went out is history: only a draft's text may change.
        if obj is not None and obj.status != Announcement.Status.DRAFT:
            return ("text", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Announcement.Status.DRAFT)

    def has_broadcast_permission(self, request):
        return request.user.has_perm("support.broadcast_announcement")

    @admin.action(
        description="Broadcast on Telegram to opted-in linked chats", permissions=["broadcast"]
    )
    def broadcast(self, request, queryset):
        staff_each(self, request, queryset, _broadcast, "announcement", "queued for broadcast")
