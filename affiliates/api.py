"""/api/v1/partner/…: a partner's own data, by API key or session. Everything is scoped
to the calling partner: another partner's object is a 404, never a 403 that confirms it."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import Campaign, Goal
from config.errors import Refusal
from wallet.api import ErrorSerializer, WithdrawalSerializer
from wallet.models import Withdrawal

from . import selectors
from .auth import ApiKeyAuthentication, IsApprovedPartner, PartnerKeyThrottle
from .models import Conversion, Link, PartnerPostback, PostbackDelivery
from .reporting import BadWindow, report_window
from .services.access import campaigns_open_to
from .services.deliveries import postback_save, postback_send_test
from .services.links import link_create, link_delete, link_update
from .services.payouts import partner_payout_request


class PartnerApi:
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [IsApprovedPartner]
    throttle_classes = [PartnerKeyThrottle]


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

    def get_goals(self, campaign) -> list[dict]:
        return GoalSerializer(campaign.goals.filter(status=Goal.Status.ACTIVE), many=True).data


class PartnerCampaignsApi(PartnerApi, generics.ListAPIView):
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()

    def get_queryset(self):
        return campaigns_open_to(self.partner).prefetch_related("goals").order_by("name")


class LinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    slug = serializers.SlugField(required=False, allow_blank=True, max_length=64)
    destination_url = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    class Meta:
        model = Link
        fields = [
            "id",
            "name",
            "slug",
            "url",
            "campaign",
            "destination_url",
            "sub1",
            "sub2",
            "sub3",
            "status",
            "clicks_count",
            "unique_clicks_count",
            "conversions_count",
            "earnings",
            "created_at",
        ]
        read_only_fields = [
            "clicks_count",
            "unique_clicks_count",
            "conversions_count",
            "earnings",
            "created_at",
        ]

    def get_url(self, link) -> str:
        return self.context["request"].build_absolute_uri(f"/go/{link.slug}/")


class PartnerLinksApi(PartnerApi, generics.ListCreateAPIView):
    serializer_class = LinkSerializer
    queryset = Link.objects.none()
    filterset_fields = ["campaign", "status"]

    def get_queryset(self):
        return Link.objects.filter(partner=self.partner).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        link = link_create(
            partner=self.partner,
            campaign=data["campaign"],
            name=data.get("name", ""),
            destination_url=data.get("destination_url", ""),
            sub1=data.get("sub1", ""),
            sub2=data.get("sub2", ""),
            sub3=data.get("sub3", ""),
            slug=data.get("slug", ""),
        )
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)


@extend_schema_view(delete=extend_schema(responses={204: None, 409: ErrorSerializer}))
class PartnerLinkApi(PartnerApi, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = LinkSerializer
    queryset = Link.objects.none()
    http_method_names = ["get", "patch", "delete"]

    def get_queryset(self):
        return Link.objects.filter(partner=self.partner)

    def partial_update(self, request, *args, **kwargs):
        link = self.get_object()
        payload = self.get_serializer(link, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        link_update(
            link=link,
            data={k: v for k, v in payload.validated_data.items() if k not in ("campaign", "slug")},
        )
        return Response(self.get_serializer(link).data)

    def destroy(self, request, *args, **kwargs):
        link_delete(link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportRowSerializer(serializers.Serializer):
    group = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    clicks = serializers.IntegerField(allow_null=True)
    unique_clicks = serializers.IntegerField(allow_null=True)
    conversions = serializers.IntegerField()
    earnings = serializers.DecimalField(max_digits=14, decimal_places=2)
    conversion_rate = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class ReportQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=selectors.GROUPS, default="day")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    campaign = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        try:
            attrs["date_from"], attrs["date_to"] = report_window(
                attrs.get("date_from"), attrs.get("date_to")
            )
        except BadWindow as exc:
            raise serializers.ValidationError(str(exc)) from exc
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


class PostbackSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    goal = serializers.PrimaryKeyRelatedField(
        queryset=Goal.objects.all(), required=False, allow_null=True
    )
    signing_secret = serializers.CharField(read_only=True)

    class Meta:
        model = PartnerPostback
        fields = [
            "id",
            "url",
            "method",
            "campaign",
            "goal",
            "is_active",
            "signing_secret",
            "created_at",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = PostbackDelivery
        fields = [
            "id",
            "event",
            "url",
            "method",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_response",
            "last_error",
            "created_at",
            "delivered_at",
        ]


def _save_postback(view, request, postback=None):
    payload = PostbackSerializer(postback, data=request.data, partial=postback is not None)
    payload.is_valid(raise_exception=True)
    data = payload.validated_data
    for scope in ("campaign", "goal"):
        target = data.get(scope)
        campaign = target if scope == "campaign" else (target.campaign if target else None)
        if campaign and not campaigns_open_to(view.partner).filter(pk=campaign.pk).exists():
            raise Refusal("campaign_not_open", "That campaign is not yours to follow.")
    saved = postback_save(
        partner=view.partner,
        postback=postback,
        url=data.get("url", postback.url if postback else ""),
        method=data.get("method", postback.method if postback else "GET"),
        campaign=data.get("campaign", postback.campaign if postback else None),
        goal=data.get("goal", postback.goal if postback else None),
        is_active=data.get("is_active"),
    )
    return Response(
        PostbackSerializer(saved).data,
        status=status.HTTP_200_OK if postback else status.HTTP_201_CREATED,
    )


class PartnerPostbacksApi(PartnerApi, generics.ListAPIView):
    serializer_class = PostbackSerializer
    queryset = PartnerPostback.objects.none()

    def get_queryset(self):
        return PartnerPostback.objects.filter(partner=self.partner).order_by("created_at")

    @extend_schema(request=PostbackSerializer, responses={201: PostbackSerializer})
    def post(self, request):
        return _save_postback(self, request)


class PartnerPostbackApi(PartnerApi, APIView):
    def _get(self, pk):
        return get_object_or_404(PartnerPostback, pk=pk, partner=self.partner)

    @extend_schema(responses=PostbackSerializer)
    def get(self, request, pk):
        return Response(PostbackSerializer(self._get(pk)).data)

    @extend_schema(request=PostbackSerializer, responses=PostbackSerializer)
    def patch(self, request, pk):
        return _save_postback(self, request, self._get(pk))

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        self._get(pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PartnerPostbackTestApi(PartnerApi, APIView):
    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request, pk):
        postback = get_object_or_404(PartnerPostback, pk=pk, partner=self.partner)
        delivery = postback_send_test(postback=postback)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class PartnerDeliveriesApi(PartnerApi, generics.ListAPIView):
    serializer_class = DeliverySerializer
    queryset = PostbackDelivery.objects.none()
    filterset_fields = ["status", "event"]

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        postback = get_object_or_404(PartnerPostback, pk=self.kwargs["pk"], partner=self.partner)
        return postback.deliveries.order_by("-created_at", "-id")
