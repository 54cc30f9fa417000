"""/api/v1/me/daily-bonus/… and /api/v1/me/bonus-codes/redeem/: the caller's own bonuses."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.money import MONEY_FIELD
from wallet.api import ErrorSerializer

from .services.bonus_codes import bonus_code_redeem
from .services.daily_bonus import daily_bonus_claim, daily_bonus_status


class DailyBonusStatusSerializer(serializers.Serializer):
    claimed_today = serializers.BooleanField()
    streak = serializers.IntegerField(help_text="Days in a row claimed so far.")
    next_day_number = serializers.IntegerField(help_text="Day of the 7-day cycle claimed next.")
    next_amount = serializers.DecimalField(**MONEY_FIELD)
    currency = serializers.CharField()


class DailyBonusClaimSerializer(serializers.Serializer):
    day_number = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY_FIELD)
    streak = serializers.IntegerField()
    currency = serializers.CharField()


class BonusCodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, trim_whitespace=True)


class BonusCodeRedeemedSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY_FIELD)
    currency = serializers.CharField()


class MyDailyBonusApi(APIView):
    @extend_schema(responses=DailyBonusStatusSerializer, summary="The caller's daily bonus")
    def get(self, request):
        return Response(DailyBonusStatusSerializer(daily_bonus_status(request.user)).data)


class MyDailyBonusClaimApi(APIView):
    @extend_schema(
        request=None,
        responses={
            201: DailyBonusClaimSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Claim today's daily bonus",
    )
    def post(self, request):
        claim = daily_bonus_claim(user=request.user)
        body = {
            "day_number": claim.day_number,
            "amount": claim.amount,
            "streak": claim.streak,
            "currency": settings.PLATFORM_CURRENCY,
        }
        return Response(DailyBonusClaimSerializer(body).data, status=status.HTTP_201_CREATED)


class MyBonusCodeRedeemApi(APIView):
    @extend_schema(
        request=BonusCodeInputSerializer,
        responses={
            201: BonusCodeRedeemedSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="Redeem a bonus code",
    )
    def post(self, request):
        payload = BonusCodeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        redemption = bonus_code_redeem(user=request.user, code=payload.validated_data["code"])
        body = {"amount": redemption.amount, "currency": settings.PLATFORM_CURRENCY}
        return Response(BonusCodeRedeemedSerializer(body).data, status=status.HTTP_201_CREATED)
