"""GET /api/v1/partner/conversions/: a partner's conversions, filtered and ordered."""

from rest_framework import generics, serializers

from ..models import Conversion
from .base import PartnerApi


class ConversionSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.name")
    goal = serializers.CharField(source="goal.tracking_code")

    class Meta:
        model = Conversion
        fields = [
            "id",
            "campaign",
            "goal",
            "txn_id",
            "click_uuid",
            "amount",
            "commission",
            "currency",
            # Reported in another currency: what the advertiser sent and the rate used
            # (blank and null otherwise); amount and commission are in `currency`.
            "original_currency",
            "original_amount",
            "fx_rate",
            "status",
            "on_hold",
            "sub1",
            "sub2",
            "sub3",
            "payable_at",
            "converted_at",
            "created_at",
        ]
        read_only_fields = fields


class PartnerConversionsApi(PartnerApi, generics.ListAPIView):
    serializer_class = ConversionSerializer
    queryset = Conversion.objects.none()
    filterset_fields = ["status", "campaign", "on_hold"]
    ordering_fields = ["converted_at", "created_at", "commission"]

    def get_queryset(self):
        return (
            Conversion.objects.filter(partner=self.partner)
            .select_related("campaign", "goal")
            .order_by("-converted_at", "-id")  # the (partner, converted_at) index
        )
