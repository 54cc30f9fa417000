"""The support queue. Staff reply, write internal notes, assign, resolve and merge from
here; everything goes through support.services.tickets (audited there).

Who sees tickets is support.access.is_support_staff, the same check as the pages and
the API: staff of other roles (Finance, Content editor) see no ticket at all, and only
superusers may delete one (tickets are records)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.admin_base import AuditedAdminMixin, BigTableAdmin, apply_each
from accounts.models import User
from config.errors import Refusal

from ..access import is_support_staff
from ..models import CannedReply, Ticket, TicketMessage
from ..services.tickets import (
    ticket_assign,
    ticket_merge,
    ticket_note_add,
    ticket_reply_staff,
    ticket_resolve,
    ticket_set_priority,
    ticket_set_status,
)

Status = Ticket.Status


def active_staff():
    return User.objects.filter(
        is_staff=True, status__in=User.LOGIN_STATUSES, deleted_at__isnull=True
    ).order_by("email")


class TicketActionForm(ActionForm):
    # Any active staff member is offered; the service decides who may take tickets, so
    # the rule lives in one place and a refusal says why.
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Assign to"
    )
    merge_into = forms.CharField(required=False, max_length=20, label="Merge into (number)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = active_staff()


class TicketAdminForm(forms.ModelForm):
    canned = forms.ModelChoiceField(
        queryset=CannedReply.objects.filter(is_active=True),
        required=False,
        label="Canned reply",
        help_text="Used as the reply when the reply box is left empty.",
    )
    reply = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    internal = forms.BooleanField(
        required=False, label="Internal note", help_text="Staff only: the requester never sees it."
    )
    reply_status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "— unchanged (a reply: waiting on the customer) —"), *Status.choices],
    )

    class Meta:
        model = Ticket
        fields = ("priority", "department")

    def clean(self):
        data = super().clean()
        if not (data.get("reply") or "").strip() and data.get("canned"):
            data["reply"] = data["canned"].body
        if data.get("internal") and not (data.get("reply") or "").strip():
            self.add_error("reply", "Write the note.")
        return data


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("mine", "Mine"), ("unassigned", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assignee=request.user)
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True)
        return queryset


class BreachFilter(admin.SimpleListFilter):
    title = "SLA breach"
    parameter_name = "breach"

    def lookups(self, request, model_admin):
        return [
            ("any", "Any breach"),
            ("first_response", "First response"),
            ("resolution", "Resolution"),
            ("none", "None"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "any":
                return queryset.filter(
                    Q(first_response_breached=True) | Q(resolution_breached=True)
                )
            case "first_response":
                return queryset.filter(first_response_breached=True)
            case "resolution":
                return queryset.filter(resolution_breached=True)
            case "none":
                return queryset.filter(first_response_breached=False, resolution_breached=False)
        return queryset


@admin.register(Ticket)
class TicketAdmin(AuditedAdminMixin, BigTableAdmin):
    form = TicketAdminForm
    action_form = TicketActionForm
    list_display = (
        "number",
        "subject",
        "requester",
        "status",
        "priority",
        "department",
        "assignee",
        "first_response_due_at",
        "resolution_due_at",
        "is_breached",
        "updated_at",
    )
    list_filter = ("status", "department", AssigneeFilter, BreachFilter, "priority")
    search_fields = ("=number", "subject", "requester__email")
    list_select_related = ("requester", "assignee", "department")
    ordering = ("-updated_at", "-id")
    readonly_fields = (
        "number",
        "requester",
        "subject",
        "category",
        "status",
        "assignee",
        "first_response_due_at",
        "resolution_due_at",
        "first_responded_at",
        "first_response_breached",
        "resolution_breached",
        "pending_since",
        "resolved_at",
        "closed_at",
        "merged_into",
        "created_at",
        "thread",
    )
    fieldsets = (
        (None, {"fields": ("number", "requester", "subject", "category", "status", "assignee")}),
        ("Triage", {"fields": ("priority", "department", "merged_into")}),
        (
            "SLA",
            {
                "fields": (
                    "first_response_due_at",
                    "resolution_due_at",
                    "first_responded_at",
                    "first_response_breached",
                    "resolution_breached",
                    "pending_since",
                    "resolved_at",
                    "closed_at",
                    "created_at",
                )
            },
        ),
        ("Thread", {"fields": ("thread",)}),
        ("Reply", {"fields": ("canned", "reply", "internal", "reply_status")}),
    )
    actions = ["assign_to_me", "assign_to", "resolve", "merge"]
    # The reply box holds a reply or an internal note: its text stays on the ticket. The
    # audit log (read by Finance, who see no tickets) says a reply was written, and the
    # services log which message it was.
    audit_secret_fields = ("reply",)

    # --- who sees tickets: the one check --------------------------------------------

    def has_view_permission(self, request, obj=None):
        return is_support_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_support_staff(request.user)

    def has_add_permission(self, request):
        return False  # tickets are opened by their requesters

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    # --- the page ------------------------------------------------------------------

    @admin.display(boolean=True, description="Breach")
    def is_breached(self, ticket):
        return ticket.breached

    @admin.display(description="Messages")
    def thread(self, ticket):
        messages_ = (
            TicketMessage.objects.filter(ticket=ticket)
            .select_related("author")
            .prefetch_related("attachments")
            .order_by("created_at", "id")
        )
        # Ticket text is untrusted: every value goes through format_html's escaping.
        return format_html_join(
            "",
            '<div class="ticket-message{}" style="border-left:4px solid {};padding:4px 8px;'
            'margin-bottom:8px"><div><strong>{}</strong>{} · {}</div>'
            '<div style="white-space:pre-wrap">{}</div>{}</div>',
            (
                (
                    " internal" if message.is_internal else "",
                    "#e0a800"
                    if message.is_internal
                    else ("#198754" if message.from_staff else "#6c757d"),
                    message.author.email,
                    " [INTERNAL NOTE]" if message.is_internal else "",
                    message.created_at.strftime("%Y-%m-%d %H:%M"),
                    message.body,
                    format_html_join(
                        "",
                        '<div>📎 <a href="{}">{}</a> ({} bytes)</div>',
                        (
                            (
                                reverse("support:attachment", args=[file.pk]),
                                file.original_name,
                                file.size,
                            )
                            for file in message.attachments.all()
                        ),
                    ),
                )
                for message in messages_
            ),
        ) or format_html("<em>{}</em>", "No messages.")

    def save_model(self, request, obj, form, change):
        # Every change through a service; never obj.save(), which would write back a
        # status or SLA time that moved since the page was loaded.
        data = form.cleaned_data
        try:
            if "department" in form.changed_data:
                Ticket.objects.filter(pk=obj.pk).update(department=data["department"])
            if "priority" in form.changed_data:
                ticket_set_priority(
                    ticket=obj, priority=data["priority"], actor=request.user, request=request
                )
            reply, status = (data.get("reply") or "").strip(), data.get("reply_status") or ""
            if reply and data.get("internal"):
                ticket_note_add(ticket=obj, actor=request.user, body=reply, request=request)
                reply = ""
            if reply:
                ticket_reply_staff(
                    ticket=obj, actor=request.user, body=reply, status=status, request=request
                )
            elif status:
                ticket_set_status(ticket=obj, to=status, actor=request.user, request=request)
        except Refusal as refused:
            messages.error(request, refused.detail)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # no inlines, and the form's m2m are none

    # --- actions -------------------------------------------------------------------

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._each(
            request,
            queryset,
            "assigned",
            lambda t: ticket_assign(
                ticket=t, assignee=request.user, actor=request.user, request=request
            ),
        )

    @admin.action(description="Assign to… (choose below)", permissions=["change"])
    def assign_to(self, request, queryset):
        chosen = request.POST.get("assignee", "")
        # Whoever is chosen, the service decides whether they may take tickets.
        assignee = User.objects.filter(pk=chosen).first() if chosen.isdigit() else None
        if assignee is None:
            self.message_user(request, "Choose who to assign to.", messages.ERROR)
            return
        self._each(
            request,
            queryset,
            "assigned",
            lambda t: ticket_assign(
                ticket=t, assignee=assignee, actor=request.user, request=request
            ),
        )

    @admin.action(description="Resolve", permissions=["change"])
    def resolve(self, request, queryset):
        self._each(
            request,
            queryset,
            "resolved",
            lambda t: ticket_resolve(ticket=t, actor=request.user, request=request),
        )

    @admin.action(description="Merge into… (the number below)", permissions=["change"])
    def merge(self, request, queryset):
        number = request.POST.get("merge_into", "").strip().upper()
        target = Ticket.objects.filter(number=number).first() if number else None
        if target is None:
            self.message_user(request, "Give the number of the ticket to keep.", messages.ERROR)
            return
        self._each(
            request,
            queryset,
            "merged",
            lambda t: ticket_merge(source=t, target=target, actor=request.user, request=request),
        )

    def _each(self, request, queryset, what, apply):
        apply_each(self, request, list(queryset.order_by("pk")), apply, what)


@admin.register(CannedReply)
class CannedReplyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("title", "body")
