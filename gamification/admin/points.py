import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path

from accounts.admin_base import BigTableAdmin, ReadOnlyAdminMixin
from accounts.models import User
from config.errors import Refusal, form_refused

from ..models import Activity, PointsBalance
from ..services.points import points_correct

# Far beyond any honest correction, far below the column's range.
MAX_CORRECTION = 10_000_000


class CorrectionForm(forms.Form):
    email = forms.EmailField(label="Shopper's email")
    points = forms.IntegerField(
        min_value=-MAX_CORRECTION,
        max_value=MAX_CORRECTION,
        help_text="Positive adds, negative takes away (never below zero).",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=255,
        help_text="The shopper sees it beside the correction.",
    )
    # One per form shown: submitting it twice corrects once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_email(self):
        user = User.objects.filter(
            email=User.objects.normalize_email(self.cleaned_data["email"])
        ).first()
        if user is None:
            raise forms.ValidationError("No account with that email.")
        return user


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("created_at", "user", "kind", "points", "description", "reason", "actor")
    list_filter = ("kind",)
    search_fields = ("user__email", "reference")
    list_select_related = ("user", "actor")
    change_list_template = "admin/gamification/activity/change_list.html"

    def get_urls(self):
        return [
            path(
                "correct/",
                self.admin_site.admin_view(self.correct_view),
                name="gamification_activity_correct",
            ),
            *super().get_urls(),
        ]

    def correct_view(self, request):
        if not request.user.has_perm("gamification.correct_activity"):
            raise PermissionDenied
        form = CorrectionForm(request.POST or None, initial={"key": uuid.uuid4().hex})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                points_correct(
                    user=data["email"],
                    points=data["points"],
                    reason=data["reason"],
                    actor=request.user,
                    # Scoped to the shopper: the same form sent again for another shopper
                    # (back button, new email) is a new correction, not a silent replay.
                    idempotency_key=f"correction:{data['email'].pk}:{data['key']}",
                    request=request,
                )
            except Refusal as refused:
                form_refused(form, refused)
            else:
                self.message_user(
                    request,
                    f"Corrected: {data['email']} {data['points']:+d} points.",
                    messages.SUCCESS,
                )
                return redirect("admin:gamification_activity_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": "Correct a shopper's points",
        }
        return render(request, "admin/gamification/activity/correct.html", context)


@admin.register(PointsBalance)
class PointsBalanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "balance", "lifetime", "updated_at")
    search_fields = ("user__email",)
    list_select_related = ("user",)
