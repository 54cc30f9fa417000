from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError

from config.request_meta import client_ip

from .emails import email_queue
from .models import KYC_FIELDS, SENSITIVE_KYC_FIELDS, User, UserKyc
from .models.user import time_zone_names
from .ratelimit import login_limits_hit, login_succeeded
from .services.reauth import ReauthRefused, WrongPassword, password_recheck
from .services.users import validate_public_name

AVATAR_MAX_BYTES = 2 * 1024 * 1024


class SignupForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    referral_code = forms.CharField(
        max_length=16, required=False, help_text="Optional: the code of the friend who sent you."
    )

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise ValidationError("An account with this email already exists.", code="email_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords don't match.")
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class LoginForm(AuthenticationForm):
    """Email and password, with per-IP and per-account limits on failed attempts."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct email and password.",
        "suspended": "This account is suspended. Contact support if you think this is a mistake.",
    }

    def clean(self):
        if not (self.cleaned_data.get("username") and self.cleaned_data.get("password")):
            return super().clean()  # the field errors say what is missing; nothing is tried
        email = User.objects.normalize_email(self.cleaned_data["username"])
        ip = client_ip(self.request) or "unknown"
        # Counted before the password is hashed: concurrent guesses each take a place in
        # the count, so no more than the limit ever reach the hasher.
        limit = login_limits_hit(ip=ip, email=email)
        if limit is not None:
            raise ValidationError(limit.message("login"), code="rate_limited")
        try:
            cleaned = super().clean()
        except ValidationError:
            self._explain_suspension(email, self.cleaned_data.get("password"))
            raise
        if self.user_cache is not None:
            login_succeeded(ip=ip, email=email)
        return cleaned

    def _explain_suspension(self, email, password):
        # Only someone who knows the password learns that the account is suspended.
        user = User.objects.filter(email=email, status=User.Status.SUSPENDED).first()
        if user is not None and password and user.check_password(password):
            raise ValidationError(self.error_messages["suspended"], code="suspended")


class ResetRequestForm(PasswordResetForm):
    def get_users(self, email):
        users = User.objects.filter(
            email=User.objects.normalize_email(email),
            deleted_at__isnull=True,
            status__in=User.LOGIN_STATUSES,
        )
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Same path as every other email: rendered now, delivered by a task after commit.
        email_queue(to=to_email, template="password_reset", context=context)


class FirstPasswordLinkForm(ResetRequestForm):
    """The reset email, for an account without a password (made through Google or
    Facebook): its first password is chosen through a link sent to its address."""

    def get_users(self, email):
        users = User.objects.filter(
            email=User.objects.normalize_email(email),
            deleted_at__isnull=True,
            status__in=User.LOGIN_STATUSES,
        )
        return (user for user in users if not user.has_usable_password())


class ProfileForm(forms.Form):
    """Validates only: a ModelForm would write onto request.user before the service runs."""

    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(
        max_length=20, required=False, validators=User._meta.get_field("phone").validators
    )
    avatar = forms.ImageField(required=False, widget=forms.ClearableFileInput)
    time_zone = forms.ChoiceField(
        required=False,
        label="Time zone",
        help_text="Your daily bonus resets at midnight here.",
    )
    public_name = forms.CharField(
        max_length=40,
        required=False,
        label="Public name",
        validators=[validate_public_name],
        help_text="Shown on leaderboards; empty means your first name and last initial "
        '("Dana D.").',
    )
    leaderboard_hidden = forms.BooleanField(
        required=False, label="Hide me from public leaderboards"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(time_zone_names())
        self.fields["time_zone"].choices = [
            ("", f"Site default ({settings.TIME_ZONE})"),
            *((zone, zone) for zone in zones),
        ]

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar is False:  # "clear" ticked
            return ""
        if avatar and getattr(avatar, "size", 0) > AVATAR_MAX_BYTES:
            raise ValidationError("The picture must be 2 MB or smaller.", code="too_large")
        return avatar


def recheck_password(user, password, purpose: str, wrong_message: str) -> None:
    """password_recheck (limited per account, failures audited) as a form error."""
    try:
        password_recheck(user=user, password=password, purpose=purpose)
    except WrongPassword as exc:
        raise ValidationError(wrong_message, code="wrong_password") from exc
    except ReauthRefused as exc:
        raise ValidationError(exc.detail, code=exc.code) from exc


class PasswordConfirmMixin:
    """Sensitive changes ask for the current password again."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    recheck_purpose = "account"

    def clean_current_password(self):
        # The limited, audited re-check: unlimited, it is a password oracle for whoever
        # holds a session (issue 10, point 6).
        password = self.cleaned_data["current_password"]
        recheck_password(
            self.user, password, self.recheck_purpose, "That is not your current password."
        )
        return password


class LimitedPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old password checked by the limited re-check."""

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        recheck_password(
            self.user, password, "password_change", self.error_messages["password_incorrect"]
        )
        return password


class KycForm(PasswordConfirmMixin, forms.ModelForm):
    current_password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Changing payout details needs your password.",
    )
    recheck_purpose = "kyc"

    class Meta:
        model = UserKyc
        fields = KYC_FIELDS
        widgets = dict.fromkeys(SENSITIVE_KYC_FIELDS, forms.TextInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Stored secrets are never sent back to the browser: show the last four as a hint.
        masked = self.instance.masked() if self.instance.pk else {}
        for name in SENSITIVE_KYC_FIELDS:
            self.initial[name] = ""
            if masked.get(name):
                self.fields[name].widget.attrs["placeholder"] = f"{masked[name]} (unchanged)"

    def clean_country(self):
        return self.cleaned_data["country"].upper()


class AccountDeleteForm(PasswordConfirmMixin, forms.Form):
    recheck_purpose = "account_delete"
    current_password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(
        label="I understand that I will no longer be able to log in to this account."
    )
