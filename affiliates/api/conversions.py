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
            "status",
            "on_hold",
            "sub1",
            "sub2",
            "sub3",
            "payable_at",
            "created_at",
        ]


class PartnerConversionsApi(PartnerApi, generics.ListAPIView):
    serializer_class = ConversionSerializer
    queryset = Conversion.objects.none()
    filterset_fields = ["status", "campaign", "on_hold"]
    ordering_fields = ["created_at", "commission"]

    def get_queryset(self):
        return (
            Conversion.objects.filter(partner=self.partner)
            .select_related("campaign", "goal")
            .order_by("-created_at", "-id")
        )
