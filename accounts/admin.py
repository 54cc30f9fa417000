from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from .admin_base import (
    AuditedAdminMixin,
    BigTableAdmin,
    ReadOnlyAdminMixin,
    ReasonActionForm,
    StatusHistoryInline,
    action_reason,
    staff_each,
)
from .models import (
    KYC_FIELDS,
    SENSITIVE_KYC_FIELDS,
    AuditLog,
    Department,
    Referral,
    Team,
    TeamInvitation,
    TeamMember,
    User,
    UserKyc,
    UserSession,
)
from .roles import may_manage_user
from .services import kyc_review, user_set_status
from .services.sessions import sessions_end_by_staff
from .social import admin as social_admin  # noqa: F401  (allauth's pages, trimmed)


class EmailNormalizingMixin:
    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        taken = User.objects.filter(email=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("An account with this email already exists.")
        return email


class StaffUserCreationForm(EmailNormalizingMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class StaffUserChangeForm(EmailNormalizingMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# What a non-superuser with change_user (a support agent) may type over: no email (it is
# the login), no password, no status (the audited actions move it), no permissions.
SUPPORT_EDITABLE_FIELDS = ("first_name", "last_name", "phone", "staff_notes")


class SupportUserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = SUPPORT_EDITABLE_FIELDS


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    inlines = (StatusHistoryInline,)
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    action_form = ReasonActionForm
    list_display = ("email", "display_name", "status", "email_verified", "is_staff", "date_joined")
    list_filter = (
        "status",
        "is_staff",
        "is_superuser",
        "groups",
        ("email_verified_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("email", "first_name", "last_name", "referral_code", "phone")
    ordering = ("-date_joined",)
    show_full_result_count = False
    raw_id_fields = ("referred_by",)
    # Status moves only through the actions below, which check the move and audit it.
    readonly_fields = (
        "status",
        "referral_code",
        "email_verified_at",
        "last_login",
        "last_login_ip",
        "date_joined",
        "updated_at",
        "deleted_at",
    )
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "phone", "avatar", "staff_notes")}),
        ("Status", {"fields": ("status", "email_verified_at", "deleted_at")}),
        ("Referral", {"fields": ("referral_code", "referred_by")}),
        (
            "Permissions",
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Activity", {"fields": ("last_login", "last_login_ip", "date_joined", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    support_fieldsets = (
        (None, {"fields": ("email",)}),
        ("Profile", {"fields": SUPPORT_EDITABLE_FIELDS}),
        ("Status", {"fields": ("status", "email_verified_at", "deleted_at")}),
        ("Activity", {"fields": ("last_login", "date_joined")}),
    )
    actions = ("suspend_users", "reactivate_users", "logout_everywhere")

    # Everyone but a superuser gets the support view: profile fields only, no staff
    # records, no passwords, no permissions (point 1 of issue 10: escalation).
    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.support_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return self.readonly_fields
        return ("email", "status", "email_verified_at", "deleted_at", "last_login", "date_joined")

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not request.user.is_superuser:
            kwargs["form"] = SupportUserChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return tuple(name for name in self.list_display if name != "is_staff")

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return self.list_filter
        return tuple(f for f in self.list_filter if f not in ("is_staff", "is_superuser", "groups"))

    def has_add_permission(self, request):
        # A new account's password and flags are an Administrator's to set.
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or may_manage_user(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage_user(request.user, obj))

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(boolean=True, description="Email verified")
    def email_verified(self, user):
        return user.email_verified

    def _manageable(self, request, queryset) -> list:
        """The selected users this staff member may act on; says how many were left out."""
        selected = list(queryset)
        users = [user for user in selected if may_manage_user(request.user, user)]
        if len(users) < len(selected):
            self.message_user(
                request,
                f"{len(selected) - len(users)} staff account(s) left alone: "
                "only an Administrator acts on staff.",
                messages.WARNING,
            )
        return users

    def _move(self, request, queryset, move, what):
        users = self._manageable(request, queryset)
        reason = action_reason(request)
        staff_each(self, request, users, user_set_status, "user", what, move=move, reason=reason)

    @admin.action(description="Suspend selected users", permissions=["change"])
    def suspend_users(self, request, queryset):
        self._move(request, queryset.exclude(pk=request.user.pk), "suspend", "suspended")

    @admin.action(description="Reactivate selected users", permissions=["change"])
    def reactivate_users(self, request, queryset):
        self._move(request, queryset, "reactivate", "reactivated")

    @admin.action(description="Log selected users out everywhere", permissions=["change"])
    def logout_everywhere(self, request, queryset):
        users = self._manageable(request, queryset)
        revoked = sum(
            sessions_end_by_staff(user=user, actor=request.user, request=request) for user in users
        )
        self.message_user(request, f"{revoked} session(s) logged out.", messages.SUCCESS)


@admin.register(UserKyc)
class UserKycAdmin(AuditedAdminMixin, admin.ModelAdmin):
    inlines = (StatusHistoryInline,)
    action_form = ReasonActionForm
    list_display = ("user", "account_holder_name", "account_number_last4", "status", "submitted_at")
    list_filter = ("status",)
    search_fields = ("user__email", "account_holder_name")
    list_select_related = ("user",)
    show_full_result_count = False
    actions = ("verify", "reject")
    # Decisions go through the actions (audited, with the user told); nothing is typed
    # over the shopper's own details, and secrets show only their last four characters.
    fields = (
        "user",
        "status",
        "notes",
        "reviewed_by",
        "reviewed_at",
        *(name for name in KYC_FIELDS if name not in SENSITIVE_KYC_FIELDS),
        "masked_details",
        "submitted_at",
    )
    readonly_fields = fields

    @admin.display(description="Account number")
    def account_number_last4(self, kyc):
        return kyc.masked()["account_number"] or "—"

    @admin.display(description="Payout details (last 4 only)")
    def masked_details(self, kyc):
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            (
                (UserKyc._meta.get_field(name).verbose_name, value or "—")
                for name, value in kyc.masked().items()
            ),
        )

    def has_add_permission(self, request):
        return False

    def _review(self, request, queryset, status, what):
        notes = action_reason(request)
        rows = queryset.select_related("user")
        staff_each(self, request, rows, kyc_review, "kyc", what, status=status, notes=notes)

    @admin.action(description="Verify selected KYC records", permissions=["change"])
    def verify(self, request, queryset):
        self._review(request, queryset, UserKyc.Status.VERIFIED, "verified")

    @admin.action(description="Reject selected KYC records (give a reason)", permissions=["change"])
    def reject(self, request, queryset):
        self._review(request, queryset, UserKyc.Status.REJECTED, "rejected")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    inlines = (StatusHistoryInline,)
    list_display = ("referrer", "referred", "status", "total_earned", "created_at", "activated_at")
    list_filter = ("status",)
    search_fields = ("referrer__email", "referred__email")
    list_select_related = ("referrer", "referred")
    raw_id_fields = ("referrer", "referred")
    show_full_result_count = False
    # Earnings move with the ledger, never by hand.
    readonly_fields = ("total_earned", "activated_at", "created_at")


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("user", "device", "ip", "created_at")
    search_fields = ("user__email", "ip")
    list_select_related = ("user",)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("created_at", "actor", "action", "entity_type", "entity_id", "ip")
    list_filter = ("action", "entity_type")
    search_fields = ("actor__email", "action", "entity_id")
    list_select_related = ("actor",)
    date_field = "created_at"


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    raw_id_fields = ("user",)
    extra = 0


class TeamInvitationInline(admin.TabularInline):
    """Who was invited and what became of it: sent, spent and withdrawn in the portal only."""

    model = TeamInvitation
    fields = (
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_by",
        "accepted_at",
        "revoked_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "owner__email")
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)
    inlines = (TeamMemberInline, TeamInvitationInline)

    def has_change_permission(self, request, obj=None):
        # A partner's team is the partner's to manage (portal, audited): staff adding
        # themselves as its owner would get the partner's payout details and payouts.
        # Shown read-only; a POST is refused.
        works_a_partner = obj is not None and hasattr(obj, "partner")
        return not works_a_partner and super().has_change_permission(request, obj)
