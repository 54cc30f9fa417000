"""/api/v1/partner/postbacks/: where a partner hears about conversions, a test send, and
the delivery log of each URL."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import Campaign, Goal
from config.api_fields import UrlTemplateField

from ..models import PartnerPostback, PostbackDelivery
from ..models.postbacks import DELIVERY_OUTCOME_FIELDS
from ..permissions import acting_user
from ..services.deliveries import postback_delete, postback_save, postback_send_test
from .base import PartnerApi


class PostbackSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    goal = serializers.PrimaryKeyRelatedField(
        queryset=Goal.objects.all(), required=False, allow_null=True
    )
    signing_secret = serializers.CharField(read_only=True)
    url = UrlTemplateField(max_length=1000)

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
    url = UrlTemplateField(read_only=True)  # the postback URL with its macros filled in
    method = serializers.ChoiceField(choices=PartnerPostback.Method.choices, read_only=True)

    class Meta:
        model = PostbackDelivery
        fields = ["id", "event", "url", "method", *DELIVERY_OUTCOME_FIELDS]


def _save_postback(view, request, postback=None):
    """Create (postback None) or patch: fields left out of a patch keep their value.
    Whether the partner may follow the campaign is postback_save's rule."""
    payload = PostbackSerializer(postback, data=request.data, partial=postback is not None)
    payload.is_valid(raise_exception=True)
    data = payload.validated_data
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
        postback_delete(postback=self._get(pk), actor=acting_user(request))
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
