"""Admin: newsletter lists, subscriptions (read-only, with their consent records: staff
cannot confirm anyone), suppressions (a bounced address), and issues with "send a test
to me", "send" (the cms.send_newsletterissue permission, a test since the last edit, a
confirmation page) and "re-queue stuck deliveries"."""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.response import TemplateResponse

from accounts.admin_base import AuditedAdminMixin, staff_each

from ..models import (
    ConsentRecord,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterList,
    Subscription,
    Suppression,
)
from ..services.newsletter_confirm import unsubscribe_now
from ..services.newsletter_send import (
    deliveries_requeue_stuck,
    issue_send_start,
    issue_send_test,
)


@admin.register(NewsletterList)
class NewsletterListAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "is_public", "is_active", "position", "confirmed")
    list_filter = ("is_public", "is_active")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count(
                    "subscriptions", filter=Q(subscriptions__status=Subscription.Status.CONFIRMED)
                )
            )
        )

    @admin.display(description="Confirmed", ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "source", "consent_text_version", "ip", "user_agent")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _unsubscribe(*, subscription, actor, request):
    return unsubscribe_now(subscription, source=ConsentRecord.Source.STAFF)


@admin.register(Subscription)
class SubscriptionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("email", "newsletter", "status", "requested_at", "confirmed_at")
    list_filter = ("status", "newsletter")
    search_fields = ("email",)
    list_select_related = ("newsletter",)
    # Only the address's owner confirms (the emailed link); staff look, or unsubscribe.
    fields = (
        "newsletter",
        "email",
        "user",
        "status",
        "created_at",
        "requested_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    readonly_fields = fields
    inlines = [ConsentRecordInline]
    actions = ["unsubscribe"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the consent records go with it, and they are the proof

    @admin.action(description="Unsubscribe selected addresses", permissions=["change"])
    def unsubscribe(self, request, queryset):
        staff_each(self, request, queryset, _unsubscribe, "subscription", "unsubscribed")


@admin.register(Suppression)
class SuppressionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("email", "reason", "note", "created_at")
    list_filter = ("reason",)
    search_fields = ("email",)

    def save_model(self, request, obj, form, change):
        obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)


class DeliveryInline(admin.TabularInline):
    model = NewsletterDelivery
    extra = 0
    can_delete = False
    fields = ("email", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    max_num = 0
    show_change_link = False

    def get_queryset(self, request):
        # The failed and stuck ones are the ones to look at; the rest are counted above.
        return (
            super()
            .get_queryset(request)
            .filter(
                status__in=[NewsletterDelivery.Status.FAILED, NewsletterDelivery.Status.SENDING]
            )
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "newsletter", "status", "test_sent_at", "sent_at", "recipients")
    list_filter = ("status", "newsletter")
    search_fields = ("subject",)
    list_select_related = ("newsletter",)
    actions = ["send_test", "send", "requeue_stuck"]
    inlines = [DeliveryInline]
    # What went out is rendered by the send, never typed: an edit of rendered_html while
    # sending would mail the rest of the list raw, untested HTML.
    SENT_FIELDS = (
        "rendered_text",
        "rendered_html",
        "status",
        "created_by",
        "test_sent_at",
        "send_started_at",
        "sent_at",
        "recipients",
        "delivery_counts",
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != NewsletterIssue.Status.DRAFT:
            # Sending or sent: what went out is fixed.
            return ("newsletter", "subject", "body", "include_top_offers", *self.SENT_FIELDS)
        return self.SENT_FIELDS

    @admin.display(description="Deliveries")
    def delivery_counts(self, obj):
        counts = dict(
            obj.deliveries.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        return ", ".join(
            f"{label}: {counts.get(value, 0)}" for value, label in NewsletterDelivery.Status.choices
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_send_permission(self, request):
        return request.user.has_perm("cms.send_newsletterissue")

    @admin.action(description="Send a test to me", permissions=["change"])
    def send_test(self, request, queryset):
        staff_each(self, request, queryset, issue_send_test, "issue", "test(s) sent to you")

    @admin.action(description="Send to the list…", permissions=["send"])
    def send(self, request, queryset):
        issues = list(queryset.select_related("newsletter"))
        if request.POST.get("confirm") != "yes":
            for issue in issues:
                issue.confirmed_count = issue.newsletter.subscriptions.filter(
                    status=Subscription.Status.CONFIRMED
                ).count()
                issue.not_ready = _not_ready(issue)
            return TemplateResponse(
                request,
                "admin/cms/newsletterissue/send_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "Send newsletter issues?",
                    "issues": issues,
                    "any_ready": any(not issue.not_ready for issue in issues),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        staff_each(self, request, issues, issue_send_start, "issue", "queued for sending")
        return None

    @admin.action(
        description="Re-queue deliveries stuck in sending (15 min+)", permissions=["send"]
    )
    def requeue_stuck(self, request, queryset):
        staff_each(self, request, queryset, _requeue, "issue", "re-queued")


def _not_ready(issue: NewsletterIssue) -> str:
    """Why Send would refuse this issue (the rule issue_send_start applies), told on the
    confirmation page instead of after "Yes, send"."""
    if issue.status != NewsletterIssue.Status.DRAFT:
        return "already being sent or sent"
    if issue.test_sent_at is None:
        return "no test sent yet: use “Send a test to me” first"
    if issue.test_sent_at < issue.updated_at:
        return "edited since its last test: send a test to yourself again"
    return ""


def _requeue(*, issue, actor, request):
    return deliveries_requeue_stuck(issue=issue, actor=actor)
