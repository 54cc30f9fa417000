"""Sign up, email verification, log in and password flows."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from config.errors import Refusal, form_refused
from config.request_meta import client_ip

from ..forms import (
    FirstPasswordLinkForm,
    LimitedPasswordChangeForm,
    LoginForm,
    ResetRequestForm,
    SignupForm,
)
from ..models import User
from ..ratelimit import RESET_ACCOUNT, RESET_IP, SIGNUP_IP, VERIFY_RESEND_ACCOUNT
from ..services import (
    session_rekey,
    session_revoke_all,
    session_revoke_others,
    user_signup,
    user_verification_resend,
    user_verify_email,
)
from ..services.social import social_logins_unproven_drop

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _next_url(request) -> str:
    """A `?next=` on this site (as login's): where the new account goes on, e.g. back to the
    team invitation that sent them to sign up. Anything else is dropped."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def signup(request):
    referral_code = request.GET.get("ref", "").strip()[:16]
    if request.user.is_authenticated:
        if referral_code and referral_code.upper() == request.user.referral_code:
            messages.info(request, "That is your own referral link: share it with friends.")
        return redirect(_next_url(request) or "dashboard")
    form = SignupForm(request.POST or None, initial={"referral_code": referral_code})
    if request.method == "POST" and form.is_valid():
        if not SIGNUP_IP.allows(client_ip(request) or "unknown"):
            form.add_error(None, SIGNUP_IP.message("sign-up"))
        else:
            try:
                user = user_signup(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    referral_code=form.cleaned_data["referral_code"],
                    base_url=_base_url(request),
                )
            except Refusal as refused:
                form_refused(form, refused)
            else:
                login(request, user, backend=BACKEND)
                messages.success(
                    request,
                    f"Welcome to SaveBucks! We sent a verification link to {user.email}.",
                )
                return redirect(_next_url(request) or "dashboard")
    return render(request, "accounts/signup.html", {"form": form})


def verify_email(request, token):
    try:
        user, newly = user_verify_email(token=token)
    except Refusal as refused:
        return render(request, "accounts/verify_failed.html", {"error": refused.detail}, status=400)
    if newly:
        messages.success(request, f"Thanks! {user.email} is verified.")
    else:
        messages.info(request, "Your email address was already verified.")
    return redirect("dashboard" if request.user.is_authenticated else "accounts:login")


@require_POST
def verification_resend(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if not VERIFY_RESEND_ACCOUNT.allows(str(request.user.pk)):
        messages.error(request, VERIFY_RESEND_ACCOUNT.message("resend"))
    else:
        try:
            user_verification_resend(user=request.user, base_url=_base_url(request))
        except Refusal as refused:
            messages.info(request, refused.detail)
        else:
            messages.success(request, f"We sent a new verification link to {request.user.email}.")
    return redirect("dashboard")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        email = User.objects.normalize_email(form.cleaned_data["email"])
        ip = client_ip(self.request) or "unknown"
        for limit, key in ((RESET_IP, ip), (RESET_ACCOUNT, email)):
            if not limit.allows(key):
                form.add_error(None, limit.message("reset"))
                return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.pk == form.user.pk:
            # This browser's session ends with the others, but through logout(): deleted
            # under the request, saving it at the end would answer 400.
            logout(self.request)
        # Whoever followed the link owns the address: a Google or Facebook login that
        # someone linked without ever proving it goes (account pre-hijacking).
        social_logins_unproven_drop(user=form.user, request=self.request)
        # A reset means the old password may be known to someone else: end every session.
        session_revoke_all(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = LimitedPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def dispatch(self, request, *args, **kwargs):
        # An account made through Google or Facebook has no old password to type: its
        # first one is set through an emailed link instead.
        if request.user.is_authenticated and not request.user.has_usable_password():
            messages.info(request, "You have no password yet: set one first.")
            return redirect("accounts:password-set")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session, under a new key
        session_rekey(old_key=old_key, new_key=self.request.session.session_key)
        revoked = session_revoke_others(
            user=self.request.user, keep_session_key=self.request.session.session_key
        )
        note = f" {revoked} other session(s) were logged out." if revoked else ""
        messages.success(self.request, f"Your password was changed.{note}")
        return response


class PasswordSetView(LoginRequiredMixin, TemplateView):
    """A first password for an account made through Google or Facebook: then email and
    password log in too, and a linked login may be unlinked. Chosen through a link sent
    to the account's address, as a reset is: whoever merely holds the session (there is
    no password to re-enter) must not give themselves a password of their own."""

    template_name = "accounts/password_set.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_usable_password():
            return redirect("accounts:password-change")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        email = request.user.email
        if not RESET_ACCOUNT.allows(User.objects.normalize_email(email)):
            messages.error(request, RESET_ACCOUNT.message("reset"))
            return redirect("accounts:profile")
        form = FirstPasswordLinkForm({"email": email})
        if form.is_valid():
            form.save(request=request, use_https=request.is_secure())
        messages.success(request, f"We sent a link to {email}: open it to choose your password.")
        return redirect("accounts:profile")
