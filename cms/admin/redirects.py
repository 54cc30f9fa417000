"""Admin: redirect rules (with CSV import and export) and the 404 log.

Every rule, whether typed in the form, imported or made from the 404 log, goes through
cms.services.redirects: loops, chains and unsafe targets are form errors here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode

from accounts.admin_base import HTTPS_URL_FIELDS, AuditedAdminMixin
from accounts.services import audit_log
from config import csv_export
from config.errors import Refusal, form_refused

from ..models import NotFoundEntry, RedirectRule
from ..services.redirects import RuleInput, redirect_save, redirect_validate
from ..services.redirects_csv import redirects_export_rows, redirects_import

FORM_FIELDS = (
    "match",
    "source",
    "target",
    "status_code",
    "keep_query_string",
    "is_active",
    "priority",
    "note",
)


class RedirectRuleForm(forms.ModelForm):
    class Meta:
        model = RedirectRule
        fields = FORM_FIELDS

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        rule = RuleInput(**{name: cleaned.get(name) for name in FORM_FIELDS})
        rule.note = rule.note or ""
        rule.target = rule.target or ""
        try:
            redirect_validate(rule, exclude_pk=self.instance.pk)
        except Refusal as refusal:
            form_refused(self, refusal)
            return cleaned
        cleaned["source"], cleaned["target"] = rule.source, rule.target
        self.rule_warnings = rule.warnings
        return cleaned


@admin.register(RedirectRule)
class RedirectRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = RedirectRuleForm
    list_display = (
        "source",
        "match",
        "target",
        "status_code",
        "is_active",
        "hits",
        "last_hit_at",
        "origin",
    )
    list_filter = ("match", "status_code", "is_active", "origin")
    search_fields = ("source", "target", "note")
    readonly_fields = ("origin", "hits", "last_hit_at", "created_at", "updated_at")
    ordering = ("match", "priority", "source")
    show_full_result_count = False
    actions = ("export_csv",)
    change_list_template = "admin/cms/redirectrule/change_list.html"
    formfield_overrides = HTTPS_URL_FIELDS

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="cms_redirectrule_import",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        rule = RuleInput(**{name: form.cleaned_data[name] for name in FORM_FIELDS})
        redirect_save(rule, instance=obj)  # obj is the form's instance: saved in place
        for warning in getattr(form, "rule_warnings", ()):
            self.message_user(request, warning, messages.WARNING)

    @admin.action(description="Export selected rules as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="redirects.csv"'
        csv_export.writer(response).writerows(redirects_export_rows(queryset))
        return response

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = RedirectImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = redirects_import(form.cleaned_data["file"].read())
            except Refusal as refused:
                form.add_error("file", refused.detail)
            else:
                if not report.errors:
                    audit_log(
                        actor=request.user,
                        action="redirectrule.admin_import",
                        metadata={"rows": report.written},
                        request=request,
                    )
                    self.message_user(
                        request, f"{report.written} rule(s) imported.", messages.SUCCESS
                    )
                    return redirect("admin:cms_redirectrule_changelist")
                self.message_user(
                    request,
                    f"Nothing imported: {len(report.errors)} row(s) refused.",
                    messages.ERROR,
                )
                for line, message in report.errors[:100]:
                    self.message_user(request, f"Line {line}: {message}", messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": "Import redirect rules",
        }
        return render(request, "admin/cms/redirectrule/import.html", context)


class RedirectImportForm(forms.Form):
    file = forms.FileField(help_text="CSV: source,target,status,match,keep_query_string,active")


class OpenFilter(admin.SimpleListFilter):
    title = "rule"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return (("yes", "Open (no rule yet)"), ("no", "Has a rule"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(redirect=None)
        if self.value() == "no":
            return queryset.exclude(redirect=None)
        return queryset


class TargetActionForm(ActionForm):
    target = forms.CharField(
        required=False, max_length=1000, label="Redirect to", help_text="/path/ or https://…"
    )


@admin.register(NotFoundEntry)
class NotFoundEntryAdmin(admin.ModelAdmin):
    list_display = ("path", "hits", "first_seen_at", "last_seen_at", "last_referrer", "redirect")
    list_filter = (OpenFilter,)
    search_fields = ("path",)
    ordering = ("-hits",)
    list_select_related = ("redirect",)
    show_full_result_count = False
    action_form = TargetActionForm
    actions = ("create_redirect",)
    readonly_fields = (
        "path",
        "path_hash",
        "hits",
        "first_seen_at",
        "last_seen_at",
        "last_referrer",
        "redirect",
    )

    def has_add_permission(self, request):
        return False  # the middleware writes this log

    def has_change_permission(self, request, obj=None):
        return False

    def _may_add_rule(self, request):
        return request.user.has_perm("cms.add_redirectrule")

    def has_create_redirect_permission(self, request):
        return self._may_add_rule(request)

    @admin.action(description="Create redirect", permissions=["create_redirect"])
    def create_redirect(self, request, queryset):
        target = request.POST.get("target", "").strip()
        entries = list(queryset[:500])
        if not target:
            if len(entries) == 1:
                # One path: the rule form, prefilled; staff choose the target there.
                add = reverse("admin:cms_redirectrule_add")
                return HttpResponseRedirect(f"{add}?{urlencode({'source': entries[0].path})}")
            self.message_user(
                request, "Type the target in “Redirect to” for several paths.", messages.ERROR
            )
            return None
        done = 0
        for entry in entries:
            try:
                created = redirect_save(
                    RuleInput(
                        match=RedirectRule.Match.EXACT,
                        source=entry.path,
                        target=target,
                        status_code=RedirectRule.StatusCode.MOVED_PERMANENTLY,
                    ),
                    origin=RedirectRule.Origin.NOT_FOUND_LOG,
                )
            except Refusal as refusal:
                self.message_user(request, f"{entry.path}: {refusal.detail}", messages.ERROR)
            else:
                done += 1
                audit_log(
                    actor=request.user,
                    action="redirectrule.admin_from_404_log",
                    entity=created,
                    metadata={"source": created.source, "target": created.target},
                    request=request,
                )
        if done:
            self.message_user(request, f"{done} redirect(s) created.", messages.SUCCESS)
        return None
