"""Admin building blocks shared by every app's admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property

from config.errors import Refusal
from config.fields import EncryptedTextField

from .models import StatusChange
from .services import audit_log

# Staff type "shop.example" and mean https (Django 6's default; explicit until then).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field, **kwargs):
    """formfield_callback for our own ModelForms, with the same URL default."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ReasonActionForm(ActionForm):
    """The action bar with a reason box: decisions on people's money say why."""

    reason = forms.CharField(required=False, label="Reason / notes", max_length=500)


def action_reason(request) -> str:
    """What staff typed in the action bar's reason box (ReasonActionForm)."""
    return request.POST.get("reason", "").strip()


def report_action(modeladmin, request, done: int, total: int, what: str) -> None:
    """ "3 approved." and, for rows whose state did not allow it, how many were skipped."""
    modeladmin.message_user(
        request, f"{done} {what}.", messages.SUCCESS if done else messages.WARNING
    )
    if total - done:
        modeladmin.message_user(
            request, f"{total - done} skipped: their status does not allow it.", messages.WARNING
        )


def apply_each(modeladmin, request, rows, apply, what: str) -> None:
    """Run a service on each selected row (each in its own transaction) and report it. A
    refusal stops the run; staff see why, and how many rows were done before it."""
    done = 0
    try:
        for row in rows:
            done += bool(apply(row))
    except Refusal as exc:
        if done:
            modeladmin.message_user(request, f"{done} {what} before this:", messages.SUCCESS)
        modeladmin.message_user(request, exc.detail, messages.ERROR)
        return
    report_action(modeladmin, request, done, len(rows), what)


MASKED = "•••"
# Field names whose values never reach the audit log, whatever the model.
SECRET_FIELD_NAMES = {"password", "password1", "password2", "usable_password"}


def _plain(value):
    """A form value as JSON: related rows by primary key, the rest as text."""
    if value is None or isinstance(value, bool | int | str | dict):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted((_plain(item) for item in value), key=str)
    return str(value)


def form_changes(form, secret_fields=()) -> dict[str, dict]:
    """What a submitted admin form changed, field by field, as {"old": …, "new": …}.
    Secrets (passwords, encrypted fields, `secret_fields`) say only that they changed."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    encrypted = {
        field.name
        for field in (model._meta.get_fields() if model else ())
        if isinstance(field, EncryptedTextField)
    }
    hidden = SECRET_FIELD_NAMES | encrypted | set(secret_fields)
    changes = {}
    for name in form.changed_data:
        old, new = _plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))
        if name in hidden:
            # A password form holds no "password" value at all: that it ran is the change.
            if old != new or name not in form.cleaned_data:
                changes[name] = {"old": MASKED, "new": MASKED}
        elif old != new:  # a widget's round trip ("{}" for {}) is no change
            changes[name] = {"old": old, "new": new}
    return changes


def staff_each(modeladmin, request, rows, service, noun: str, what: str, **arguments) -> None:
    """The usual admin action: `service` on each selected row (passed as `noun`), by this
    staff member, through apply_each (a refusal stops the run and says why)."""
    apply_each(
        modeladmin,
        request,
        list(rows),
        lambda row: service(**{noun: row}, actor=request.user, request=request, **arguments),
        what,
    )


class AuditedAdminMixin:
    """Copies every add, change and delete made through the admin into the AuditLog, with
    each changed field's old and new value (secrets masked: see form_changes)."""

    # Extra field names whose values the audit log must not keep.
    audit_secret_fields: tuple[str, ...] = ()

    def construct_change_message(self, request, form, formsets, add=False):
        # The only hook that sees the submitted form right before log_addition/log_change.
        request._audited_changes = form_changes(form, self.audit_secret_fields)
        return super().construct_change_message(request, form, formsets, add)

    def _audit(self, request, obj, verb, message):
        metadata = {"change": message} if message else {}
        changes = getattr(request, "_audited_changes", None)
        if changes:
            metadata["fields"] = changes
        request._audited_changes = None
        audit_log(
            actor=request.user,
            action=f"{obj._meta.model_name}.admin_{verb}",
            entity=obj,
            metadata=metadata,
            request=request,
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "add", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "delete", None)
        return super().log_deletions(request, queryset)


class ReadOnlyAdminMixin:
    """For append-only records: staff may look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows. COUNT(*) over ten million rows takes seconds on every page
    view, and nobody pages past the first few hundred pages: they filter or search."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.CAP].count()


class BigTableAdmin(admin.ModelAdmin):
    """Changelists over large tables: no unbounded COUNT(*) (neither of the whole table nor
    of a filter), and `date_field` offers fixed ranges (today, past 7 days, this month…)
    instead of a date hierarchy, which reads every row to list the years and months."""

    show_full_result_count = False
    list_per_page = 50
    paginator = CappedCountPaginator
    date_field: str | None = None

    def get_list_filter(self, request):
        filters = tuple(super().get_list_filter(request))
        if self.date_field:
            return ((self.date_field, admin.DateFieldListFilter), *filters)
        return filters


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows shown with their parent, never added, changed or deleted from here."""

    can_delete = False
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class FieldsReadOnlyMixin:
    """Every field read-only (history is not edited by hand) while actions stay usable."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)


class StatusHistoryInline(GenericTabularInline):
    """How a record got to its status: every move `transition()` made, oldest first."""

    model = StatusChange
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ("created_at", "field", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    can_delete = False
    extra = 0
    verbose_name_plural = "Status history"

    def has_view_permission(self, request, obj=None):
        # Whoever may see the record may see its history (the page checked that). Not on
        # a POST: a read-only list has nothing to submit, and taking part would make every
        # save of the record carry this inline's management form.
        return request.method != "POST"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")
