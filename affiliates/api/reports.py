"""GET /api/v1/partner/reports/: clicks, conversions and earnings grouped by day, sub id,
campaign or goal."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.money import MONEY_FIELD

from .. import selectors
from ..reporting import report_window
from .base import PartnerApi


class ReportRowSerializer(serializers.Serializer):
    group = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    clicks = serializers.IntegerField(allow_null=True)
    unique_clicks = serializers.IntegerField(allow_null=True)
    conversions = serializers.IntegerField()
    earnings = serializers.DecimalField(**MONEY_FIELD)
    conversion_rate = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class ReportQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=selectors.GROUPS, default="day")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    campaign = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        attrs["date_from"], attrs["date_to"] = report_window(
            attrs.get("date_from"), attrs.get("date_to")
        )
        return attrs


def report_for(partner, query: dict) -> list[dict]:
    return selectors.partner_report(
        partner=partner,
        group_by=query["group_by"],
        date_from=query["date_from"],
        date_to=query["date_to"],
        campaign_id=query.get("campaign"),
    )


class PartnerReportsApi(PartnerApi, APIView):
    @extend_schema(parameters=[ReportQuerySerializer], responses=ReportRowSerializer(many=True))
    def get(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(
            ReportRowSerializer(report_for(self.partner, query.validated_data), many=True).data
        )
