"""What every partner endpoint shares: who may call it, and how often."""

from rest_framework.authentication import SessionAuthentication

from ..auth import ApiKeyAuthentication, IsApprovedPartner, PartnerKeyThrottle


# Mixed into each partner view (a comment, not a docstring: drf-spectacular would print a
# docstring into every operation). IsApprovedPartner sets `self.partner`, the scope of
# every queryset.
class PartnerApi:
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [IsApprovedPartner]
    throttle_classes = [PartnerKeyThrottle]
