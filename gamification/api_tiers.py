"""/api/v1/me/tier/: the caller's VIP tier and how far the next one is."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.money import MONEY_FIELD

from .models import VipTier
from .services.tiers import tier_status


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = VipTier
        fields = ["name", "slug", "threshold", "topup_percent", "daily_bonus_multiplier"]
        read_only_fields = fields


class TierStatusSerializer(serializers.Serializer):
    tier = TierSerializer(allow_null=True)
    next_tier = TierSerializer(allow_null=True)
    progress = serializers.DecimalField(
        help_text="Confirmed cashback over the trailing 365 days.", **MONEY_FIELD
    )
    next_threshold = serializers.DecimalField(allow_null=True, **MONEY_FIELD)


class MyTierApi(APIView):
    @extend_schema(responses=TierStatusSerializer, summary="The caller's VIP tier and progress")
    def get(self, request):
        return Response(TierStatusSerializer(tier_status(user=request.user)).data)
