"""/api/v1/partner/payouts/: a partner's payouts, and asking for one."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from wallet.api import WithdrawalSerializer
from wallet.models import Withdrawal

from ..services.payouts import partner_payout_request
from .base import PartnerApi

# A partner payout is a withdrawal from the partner's payable balance: the same fields.
PayoutSerializer = WithdrawalSerializer


class PartnerPayoutsApi(PartnerApi, generics.ListAPIView):
    serializer_class = PayoutSerializer
    queryset = Withdrawal.objects.none()

    def get_queryset(self):
        return (
            Withdrawal.objects.filter(user=self.partner.user, source=Withdrawal.Source.COMMISSION)
            .select_related("method")
            .order_by("-requested_at", "-id")
        )

    @extend_schema(
        request=None,
        responses={201: PayoutSerializer},
        summary="Request a payout of everything payable",
    )
    def post(self, request):
        withdrawal = partner_payout_request(partner=self.partner)
        return Response(PayoutSerializer(withdrawal).data, status=status.HTTP_201_CREATED)
