"""POST /api/v1/newsletter/subscribe/: the same 202 body whatever the address's state
(new, pending, confirmed, unsubscribed), so the endpoint tells nobody who is subscribed.
Anonymous JSON needs no CSRF token (DRF's SessionAuthentication checks CSRF only for a
session-authenticated caller, who still needs it); throttled by the `newsletter` scope
and the per-IP limit the HTML form shares."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.ratelimit import RateLimit
from config.errors import TooManyAttempts
from config.request_meta import client_ip, user_agent
from wallet.api import ErrorSerializer

from .models import ConsentRecord
from .services.newsletter_subscribe import subscribe

SUBSCRIBE_IP = RateLimit("newsletter_subscribe_ip")
ACCEPTED = (
    "If this address can join the list, we have sent it an email with a link to confirm. "
    "Nothing is sent until the link is confirmed."
)


class SubscribeSerializer(serializers.Serializer):
    # Plain strings: the service answers `invalid_email` / `unknown_list` itself.
    email = serializers.CharField(allow_blank=True, trim_whitespace=False)
    list = serializers.CharField(allow_blank=True, help_text="The list's slug, e.g. weekly-deals.")


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class NewsletterSubscribeApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "newsletter"

    @extend_schema(
        request=SubscribeSerializer,
        responses={202: AcceptedSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Ask to subscribe an address to a newsletter (double opt-in)",
    )
    def post(self, request):
        payload = SubscribeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not SUBSCRIBE_IP.allows(client_ip(request) or ""):
            raise TooManyAttempts("too_many_attempts", SUBSCRIBE_IP.message("subscription"))
        subscribe(
            payload.validated_data["email"],
            payload.validated_data["list"],
            source=ConsentRecord.Source.API,
            ip=client_ip(request),
            user_agent=user_agent(request, 300),
            user=request.user,
        )
        return Response({"detail": ACCEPTED}, status=status.HTTP_202_ACCEPTED)
