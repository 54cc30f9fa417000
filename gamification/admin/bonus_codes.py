from django import forms
from django.contrib import admin
from django.utils import timezone

from accounts.admin_base import AuditedAdminMixin, BigTableAdmin, ReadOnlyTabularInline

from ..models import BonusCode, BonusCodeRedemption
from ..services.bonus_codes import CODE_PATTERN, normalise_code


class BonusCodeForm(forms.ModelForm):
    """The checks of bonus_code_create, for codes Finance types into the admin."""

    class Meta:
        model = BonusCode
        fields = ("code", "description", "amount", "expires_at", "max_uses", "is_active")

    def clean_code(self):
        code = normalise_code(self.cleaned_data.get("code"))
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError("A code is 3 to 40 letters, digits, '-' or '_'.")
        # Said in words here; the case-blind unique constraint would only give its name.
        taken = BonusCode.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"The code {code} already exists.")
        return code

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at and "expires_at" in self.changed_data and expires_at <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")
        return expires_at


class RedemptionInline(ReadOnlyTabularInline):
    model = BonusCodeRedemption
    fields = ("user", "amount", "created_at")
    ordering = ("-created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(BonusCode)
class BonusCodeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = BonusCodeForm
    list_display = (
        "code",
        "amount",
        "uses_count",
        "max_uses",
        "expires_at",
        "is_active",
        "created_by",
        "created_at",
    )
    list_filter = ("is_active",)
    search_fields = ("code", "description")
    list_select_related = ("created_by",)
    readonly_fields = ("uses_count", "created_by", "created_at")
    inlines = [RedemptionInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Shoppers were paid this amount under this code: changing either would rewrite
        # what the statement and the redemptions say.
        if obj is not None and obj.redemptions.exists():
            fields = ["code", "amount", *fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: redemptions point at the code

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        # Only the fields the form edits: a full save would write back the uses_count
        # read when the page was posted, undoing redemptions made meanwhile (one more
        # use than max_uses).
        obj.save(update_fields=list(form.fields))


@admin.register(BonusCodeRedemption)
class BonusCodeRedemptionAdmin(BigTableAdmin):
    list_display = ("created_at", "code", "user", "amount")
    search_fields = ("code__code", "user__email")
    list_select_related = ("code", "user")
    raw_id_fields = ("code", "user")
    date_field = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
