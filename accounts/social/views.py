"""Our side of the provider flows: the entry points allauth's views sit behind, the
pages allauth redirects to (all ours), and unlinking from the profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import Refusal

from ..services.social import social_account_unlink
from .adapter import REFERRAL_SESSION_KEY
from .providers import provider_enabled


def provider_view(provider_id: str, view):
    """allauth's login or callback view for one provider, or a 404 while its keys are
    not set (allauth itself would fail with a 500 looking for the app)."""

    def wrapped(request, *args, **kwargs):
        if not provider_enabled(provider_id):
            raise Http404("This login provider is not configured.")
        referral_code = (request.POST.get("ref") or request.GET.get("ref", "")).strip()[:16]
        if referral_code:
            # Carried through the provider round trip like the sign-up form's field;
            # checked (unknown code, self-referral) when the account is created.
            request.session[REFERRAL_SESSION_KEY] = referral_code
        return view(request, *args, **kwargs)

    return wrapped


def to_login(request):
    """Where allauth sends anyone to "log in": our own login page."""
    return redirect("accounts:login")


def to_signup(request):
    return redirect("accounts:signup")


def login_cancelled(request):
    messages.info(request, "Login was cancelled.")
    return redirect("accounts:login")


def login_error(request):
    messages.error(request, "That login did not complete. Please try again.")
    return redirect("accounts:login")


@login_required
def connections(request):
    return redirect("accounts:profile")


@login_required
@require_POST
def unlink(request, account_id):
    try:
        account = social_account_unlink(user=request.user, account_id=account_id, request=request)
    except Refusal as refused:
        if refused.http_status == 404:
            raise Http404(refused.detail) from refused
        messages.error(request, refused.detail)
    else:
        messages.success(request, f"{account.get_provider().name} is unlinked.")
    return redirect("accounts:profile")
