from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import wallet_summary


class WalletSerializer(serializers.Serializer):
    available = serializers.DecimalField(max_digits=14, decimal_places=2)
    pending = serializers.DecimalField(max_digits=14, decimal_places=2)
    lifetime_earned = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()


class MyWalletApi(APIView):
    @extend_schema(responses=WalletSerializer, summary="The caller's balances")
    def get(self, request):
        return Response(WalletSerializer(wallet_summary(user=request.user)).data)
