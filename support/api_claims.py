"""/api/v1/me/claims/…: the caller's missing-cashback claims, and filing one."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from config.money import MONEY_FIELD
from wallet.api import ErrorSerializer

from .models import MissingCashbackClaim
from .services.claims import claim_file


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"})
class OrderAmountField(serializers.Field):
    """Handed to claim_file as written: it parses strictly and refuses a third decimal
    (invalid_amount) rather than rounding it away."""

    def to_internal_value(self, data):
        return data


class ClaimInputSerializer(serializers.Serializer):
    click_id = serializers.CharField(max_length=64, help_text="The click's UUID (Activity).")
    order_id = serializers.CharField(max_length=100)
    order_date = serializers.DateField(help_text="YYYY-MM-DD, in the site's time zone.")
    order_amount = OrderAmountField(help_text="A decimal string, e.g. 59.90.")


class ClaimSerializer(serializers.ModelSerializer):
    merchant = serializers.CharField(source="merchant.name")
    click_id = serializers.UUIDField(source="click_uuid")
    order_amount = serializers.DecimalField(**MONEY_FIELD)
    cashback_amount = serializers.DecimalField(allow_null=True, **MONEY_FIELD)
    ticket = serializers.CharField(source="ticket.number", allow_null=True)
    reason = serializers.CharField(help_text="Why it was rejected, when it was.")

    class Meta:
        model = MissingCashbackClaim
        fields = [
            "id",
            "status",
            "merchant",
            "click_id",
            "clicked_at",
            "order_id",
            "order_date",
            "order_amount",
            "currency",
            "ice_until",
            "submitted_at",
            "cashback_amount",
            "reason",
            "tracked_at",
            "ticket",
            "created_at",
        ]
        read_only_fields = fields


def _mine(request):
    return MissingCashbackClaim.objects.filter(user=request.user).select_related(
        "merchant", "ticket"
    )


class MyClaimsApi(generics.ListAPIView):
    serializer_class = ClaimSerializer
    queryset = MissingCashbackClaim.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return _mine(self.request).order_by("-created_at", "-id")

    @extend_schema(
        request=ClaimInputSerializer,
        responses={
            201: ClaimSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="File a missing-cashback claim",
    )
    def post(self, request):
        payload = ClaimInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        claim = claim_file(
            user=request.user,
            click_uuid=data["click_id"],
            order_id=data["order_id"],
            order_date=data["order_date"],
            order_amount=data["order_amount"],
        )
        claim = _mine(request).get(pk=claim.pk)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class MyClaimApi(generics.GenericAPIView):
    serializer_class = ClaimSerializer
    queryset = MissingCashbackClaim.objects.none()

    @extend_schema(responses={200: ClaimSerializer, 404: ErrorSerializer}, summary="One claim")
    def get(self, request, pk: int):
        # Another shopper's claim is not found, never forbidden.
        return Response(ClaimSerializer(get_object_or_404(_mine(request), pk=pk)).data)
