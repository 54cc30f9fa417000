"""How partner apps authenticate: `Authorization: Api-Key <key>` (or the partner's own
logged-in session), and who may use the partner API at all."""

from rest_framework import authentication, exceptions, throttling
from rest_framework.settings import api_settings

from .models import ApiKey, Partner
from .permissions import PartnerRolePermission, acting_partner
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
    return acting_partner(request)[0]


class IsApprovedPartner(PartnerRolePermission):
    """Approved partner accounts only, and only what the caller's team role allows
    (affiliates.permissions: the same check as the portal's)."""


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
