"""/api/v1/me/points/…: the caller's points and their redemption into cash."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.money import MONEY_FIELD
from wallet.api import ErrorSerializer

from .models import Activity
from .services.points_history import points_summary, shown_actor
from .services.redemption import MAX_KEY_LENGTH, points_redeem


class ActivitySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(
        help_text='"SaveBucks staff" on corrections, else empty.'
    )

    class Meta:
        model = Activity
        fields = ["id", "kind", "points", "description", "reason", "actor", "created_at"]
        read_only_fields = fields

    def get_actor(self, activity) -> str:
        return shown_actor(activity)


class PointsSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    lifetime = serializers.IntegerField()
    activities = ActivitySerializer(many=True, help_text="The 20 most recent, newest first.")


class MyPointsApi(APIView):
    @extend_schema(responses=PointsSerializer, summary="The caller's points")
    def get(self, request):
        return Response(PointsSerializer(points_summary(user=request.user)).data)


class RedeemRequestSerializer(serializers.Serializer):
    points = serializers.IntegerField(min_value=1, max_value=1_000_000_000)
    idempotency_key = serializers.CharField(max_length=MAX_KEY_LENGTH)


class RedemptionSerializer(serializers.Serializer):
    points = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY_FIELD)
    currency = serializers.CharField()


class MyPointsRedeemApi(APIView):
    @extend_schema(
        request=RedeemRequestSerializer,
        responses={
            201: RedemptionSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Redeem points for cash (idempotent on the caller's key)",
    )
    def post(self, request):
        payload = RedeemRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        redemption = points_redeem(user=request.user, **payload.validated_data)
        # A replay of the key answers as the first request did: the client retrying after
        # a lost response cannot tell, and need not.
        return Response(RedemptionSerializer(redemption).data, status=status.HTTP_201_CREATED)
