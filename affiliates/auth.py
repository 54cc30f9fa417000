"""How partner apps authenticate: `Authorization: Api-Key <key>` (or the partner's own
logged-in session), and who may use the partner API at all."""

from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from .models import ApiKey, Partner
from .services.apikeys import api_key_check


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, raw = header.partition(" ")
        if scheme != self.keyword:
            return None
        key = api_key_check(raw.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid or was revoked.")
        if not key.partner.user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.")
        return key.partner.user, key

    def authenticate_header(self, request):
        return self.keyword


def partner_of(request) -> Partner | None:
    if isinstance(request.auth, ApiKey):
        return request.auth.partner
    return (
        Partner.objects.filter(user_id=request.user.pk).first()
        if request.user.is_authenticated
        else None
    )


class IsApprovedPartner(permissions.BasePermission):
    message = "Only approved partners may use the partner API."

    def has_permission(self, request, view):
        partner = partner_of(request)
        view.partner = partner
        return bool(partner and partner.is_approved)


class PartnerKeyThrottle(throttling.SimpleRateThrottle):
    """Per API key (or per partner session), so one busy integration cannot starve others."""

    scope = "partner_key"

    def get_rate(self):
        # Read when asked (DRF binds THROTTLE_RATES at import), so the setting can change.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        ident = (
            f"key-{request.auth.pk}"
            if isinstance(request.auth, ApiKey)
            else f"user-{request.user.pk}"
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}
