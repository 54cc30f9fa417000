"""GET /api/v1/partner/campaigns/: the campaigns a partner may promote, with their goals."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers

from campaigns.models import Campaign, Goal
from config.api_fields import UrlTemplateField

from ..services.access import campaigns_open_to
from .base import PartnerApi


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = [
            "id",
            "name",
            "tracking_code",
            "commission_type",
            "commission_value",
            "is_default",
        ]


class CampaignSerializer(serializers.ModelSerializer):
    goals = serializers.SerializerMethodField()
    terms_url = UrlTemplateField(read_only=True, allow_blank=True)
    default_destination_url = UrlTemplateField(read_only=True, allow_blank=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "campaign_type",
            "status",
            "terms_url",
            "default_destination_url",
            "attribution_window_days",
            "holding_days",
            "goals",
        ]

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, campaign) -> list[dict]:
        return GoalSerializer(campaign.goals.filter(status=Goal.Status.ACTIVE), many=True).data


class PartnerCampaignsApi(PartnerApi, generics.ListAPIView):
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()

    def get_queryset(self):
        return campaigns_open_to(self.partner).prefetch_related("goals").order_by("name")
