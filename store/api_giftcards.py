"""/api/v1/me/gift-cards/redeem/: a SaveBucks gift card's value into the caller's
available balance, once."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.money import MONEY_FIELD
from wallet.api import ErrorSerializer

from .services.attempts import gift_card_redeem_attempt


class RedeemInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="As printed: case, spaces, dashes.")


class RedeemedSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY_FIELD)
    currency = serializers.CharField()


class MyGiftCardRedeemApi(APIView):
    @extend_schema(
        request=RedeemInputSerializer,
        responses={
            201: RedeemedSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="Redeem a SaveBucks gift card into the available balance",
    )
    def post(self, request):
        payload = RedeemInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        card = gift_card_redeem_attempt(user=request.user, code=payload.validated_data["code"])
        body = {"amount": card.remaining_value, "currency": card.currency}
        return Response(RedeemedSerializer(body).data, status=status.HTTP_201_CREATED)
