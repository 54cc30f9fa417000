"""/api/v1/partner/links/: a partner's tracking links (list, create, read, edit, delete)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from campaigns.models import Campaign
from config.api_fields import UrlTemplateField
from wallet.api import ErrorSerializer

from ..models import Link
from ..services.links import link_create, link_delete, link_update
from .base import PartnerApi


class LinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    slug = serializers.SlugField(required=False, allow_blank=True, max_length=64)
    destination_url = UrlTemplateField(required=False, allow_blank=True, max_length=1000)

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
