"""The "Continue with Google / Facebook" buttons: only for providers whose keys are set."""

from django import template

from ..social.providers import provider_name, providers_enabled

register = template.Library()


@register.inclusion_tag("accounts/_social_buttons.html", takes_context=True)
def social_login_buttons(context, process="login", verb="Continue"):
    request = context["request"]
    return {
        "providers": providers_enabled(),
        "process": process,
        "verb": verb,
        # The sign-up page's ?ref= rides along, as it does into the sign-up form.
        "ref": request.GET.get("ref", "").strip()[:16] if process == "login" else "",
        "next": request.GET.get("next", ""),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("accounts/_linked_logins.html", takes_context=True)
def social_linked_logins(context):
    """The profile's "Linked logins": each linked provider account (with Unlink) and a
    Link button per configured provider."""
    from allauth.socialaccount.models import SocialAccount

    user = context["request"].user
    linked = [
        {
            "id": account.pk,
            "provider": provider_name(account.provider),
            "email": (account.extra_data or {}).get("email", ""),
        }
        for account in SocialAccount.objects.filter(user=user).order_by("provider", "pk")
    ]
    return {
        "linked": linked,
        "providers": providers_enabled(),
        "has_password": user.has_usable_password(),
        "csrf_token": context.get("csrf_token"),
    }
