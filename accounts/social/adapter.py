"""allauth's hooks, bridged to our services, rate limits and pages.

After the OAuth exchange allauth calls `pre_social_login`; everything is decided there,
before allauth would sign anyone up or match an email by its own rules:

- linking from the profile (process "connect") links and goes back to the profile;
- a provider account already linked logs its user in;
- an unlinked one reaches an existing account only through a verified email on both
  sides (accounts.services.social), and is linked to it;
- otherwise a new shopper is created, with the referral code the sign-up page carried.

Either way allauth then finds a linked, saved account and only logs it in: Django's
`login()`, so the same `user_logged_in` receiver records the session as for a password
login. Refusals go back to our login or sign-up page as a message.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from config.errors import Refusal
from config.request_meta import client_ip

from ..forms import LoginForm
from ..models import User
from ..ratelimit import SIGNUP_IP, login_limits_hit, login_succeeded
from ..services.social import (
    ProviderIdentity,
    social_account_link,
    social_existing_user,
    user_social_signup,
)
from .providers import provider_name, settings_apps

REFERRAL_SESSION_KEY = "social_referral_code"


def _refuse(request, message: str, to: str = "accounts:login"):
    messages.error(request, message)
    raise ImmediateHttpResponse(redirect(to))


def identity_of(sociallogin) -> ProviderIdentity:
    account = sociallogin.account
    address = sociallogin.email_addresses[0] if sociallogin.email_addresses else None
    user = sociallogin.user
    return ProviderIdentity(
        provider=account.provider,
        uid=str(account.uid),
        email=address.email if address else "",
        email_verified=bool(address and address.verified),
        first_name=getattr(user, "first_name", "") or "",
        last_name=getattr(user, "last_name", "") or "",
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = settings_apps(provider)
        return [app for app in apps if client_id in (None, app.client_id)]

    def is_open_for_signup(self, request, sociallogin):
        return True

    def pre_social_login(self, request, sociallogin):
        referral_code = request.session.pop(REFERRAL_SESSION_KEY, "")
        identity = identity_of(sociallogin)
        process = sociallogin.state.get("process")
        if process == AuthProcess.CONNECT:
            self._connect(request, sociallogin)
        elif process != AuthProcess.LOGIN:
            # allauth's "redirect" process would run the rules below (link, sign up) and
            # then log nobody in; our buttons never ask for it.
            _refuse(request, "That login did not complete. Please try again.")
        ip = client_ip(request) or "unknown"
        if sociallogin.is_existing:
            self._login_limits(request, ip, sociallogin.user)
            return
        try:
            user = social_existing_user(identity=identity)
        except Refusal as refused:
            if identity.email:
                # Counted as a login attempt: probing addresses costs as much as guessing.
                login_limits_hit(ip=ip, email=User.objects.normalize_email(identity.email))
            _refuse(request, refused.detail)
        if user is not None:
            self._login_limits(request, ip, user)
            self._link(request, sociallogin, user, via="verified_email")
            return
        if not SIGNUP_IP.allows(ip):
            _refuse(request, SIGNUP_IP.message("sign-up"), to="accounts:signup")
        try:
            user = user_social_signup(
                identity=identity,
                account=sociallogin.account,
                referral_code=referral_code,
                base_url=request.build_absolute_uri("/"),
                request=request,
            )
        except Refusal as refused:
            _refuse(request, refused.detail, to="accounts:signup")
        sociallogin.user = user
        if user.email_verified:
            messages.success(request, f"Welcome to SaveBucks, {user.display_name}!")
        else:
            messages.success(
                request, f"Welcome to SaveBucks! We sent a verification link to {user.email}."
            )

    def _login_limits(self, request, ip, user):
        """The password login's limits, counted the same way (accounts.ratelimit)."""
        limit = login_limits_hit(ip=ip, email=user.email)
        if limit is not None:
            _refuse(request, limit.message("login"))
        if user.is_active:
            login_succeeded(ip=ip, email=user.email)

    def _link(self, request, sociallogin, user, via):
        try:
            social_account_link(user=user, account=sociallogin.account, via=via, request=request)
        except Refusal as refused:
            _refuse(request, refused.detail)
        sociallogin.user = user

    def _connect(self, request, sociallogin):
        """Linking from the profile page: never a login, always back to the profile."""
        if not request.user.is_authenticated:
            _refuse(request, "Please log in first, then link your account.")
        try:
            social_account_link(
                user=request.user,
                account=sociallogin.account,
                via="profile",
                request=request,
            )
        except Refusal as refused:
            _refuse(request, refused.detail, to="accounts:profile")
        name = provider_name(sociallogin.account.provider)
        messages.success(request, f"{name} is linked: you can now log in with it.")
        raise ImmediateHttpResponse(redirect("accounts:profile"))

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        # Cancelled at the provider, a stale state, a failed token exchange: back to our
        # own page with one sentence, never allauth's pages.
        name = provider_name(getattr(provider, "id", ""))
        _refuse(request, f"{name} login did not complete. Please try again.")

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("accounts:profile")


class AccountAdapter(DefaultAccountAdapter):
    """Only the provider flows use allauth's account side; our pages do the rest."""

    def is_open_for_signup(self, request):
        return True

    def respond_user_inactive(self, request, user):
        if user.status == user.Status.SUSPENDED and not user.is_deleted:
            messages.error(request, LoginForm.error_messages["suspended"])
        else:
            messages.error(request, "This account cannot log in.")
        return redirect("accounts:login")

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # allauth's own "Successfully signed in as …" would double our welcome message.
        return None
