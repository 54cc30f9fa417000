"""/api/v1/me/…: the caller's money. Every queryset is scoped to request.user."""

import json

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import Conflict, Refusal
from config.fields import mask
from config.money import BALANCE_FIELD, MONEY_FIELD
from config.money_fields import MoneySerializerField

from .models import CashbackEvent, Entry, Withdrawal, WithdrawalMethod
from .selectors import statement_entries, wallet_summary
from .services.withdrawals import withdrawal_cancel, withdrawal_request
from .views import STATEMENT_ACCOUNTS


class ErrorSerializer(serializers.Serializer):
    """How every API error reads (config.api.api_exception_handler)."""

    code = serializers.CharField()
    detail = serializers.CharField()
    field = serializers.CharField(required=False)


class WalletSerializer(serializers.Serializer):
    available = serializers.DecimalField(**BALANCE_FIELD)
    pending = serializers.DecimalField(**BALANCE_FIELD)
    lifetime_earned = serializers.DecimalField(**BALANCE_FIELD)
    currency = serializers.CharField()


class MyWalletApi(APIView):
    @extend_schema(responses=WalletSerializer, summary="The caller's balances")
    def get(self, request):
        return Response(WalletSerializer(wallet_summary(user=request.user)).data)


class CashbackEventSerializer(serializers.ModelSerializer):
    merchant = serializers.CharField(source="merchant.name")
    merchant_slug = serializers.CharField(source="merchant.slug")
    cashback = serializers.DecimalField(source="cashback_amount", **MONEY_FIELD)
    sale_date = serializers.DateTimeField(
        source="sale_at", help_text="When the shopper bought, as the network reports it."
    )

    class Meta:
        model = CashbackEvent
        fields = [
            "id",
            "merchant",
            "merchant_slug",
            "offer",
            "external_txn_id",
            "sale_amount",
            "cashback",
            "currency",
            "rate_label",  # how the cashback was worked out, e.g. "8% of the sale (Laptops)"
            # A sale reported in another currency: what the network sent and the rate used
            # (blank and null otherwise); the amounts above are in `currency`.
            "original_currency",
            "original_sale_amount",
            "original_commission",
            "fx_rate",
            "status",
            "network_status",
            "expected_confirmation_at",
            "confirmed_at",
            "reason",
            "sale_date",
            "created_at",
        ]
        read_only_fields = fields


class MyCashbackApi(generics.ListAPIView):
    serializer_class = CashbackEventSerializer
    queryset = CashbackEvent.objects.none()
    filterset_fields = ["status", "network_status"]
    ordering_fields = ["sale_at", "created_at", "cashback_amount", "expected_confirmation_at"]

    def get_queryset(self):
        # Newest sale first, through the (user, sale_at) index: a late report takes its
        # place among the sales of its day, not at the top.
        return (
            CashbackEvent.objects.filter(user=self.request.user)
            .select_related("merchant")
            .order_by("-sale_at", "-id")
        )


class StatementEntrySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="transaction.kind")
    memo = serializers.CharField(source="transaction.memo")
    reference = serializers.CharField(source="transaction.reference")
    balance_before = serializers.DecimalField(read_only=True, **BALANCE_FIELD)

    class Meta:
        model = Entry
        fields = [
            "id",
            "created_at",
            "kind",
            "memo",
            "amount",
            "balance_before",
            "balance_after",
            "reference",
        ]


class MyStatementApi(generics.ListAPIView):
    serializer_class = StatementEntrySerializer
    queryset = Entry.objects.none()
    filter_backends: list = []

    @extend_schema(
        parameters=[OpenApiParameter("account", enum=list(STATEMENT_ACCOUNTS), default="available")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        kind = STATEMENT_ACCOUNTS.get(self.request.query_params.get("account", "available"))
        if kind is None:
            # A bad query parameter, like a bad field: 400 naming it.
            raise Refusal(
                "invalid_choice", f"account is one of {', '.join(STATEMENT_ACCOUNTS)}.", "account"
            )
        return statement_entries(user=self.request.user, kind=kind)


class WithdrawalSerializer(serializers.ModelSerializer):
    method = serializers.ChoiceField(
        source="method.code", choices=WithdrawalMethod.Code.choices, read_only=True
    )
    payout_details = serializers.SerializerMethodField()

    class Meta:
        model = Withdrawal
        fields = [
            "id",
            "method",
            "amount",
            "fee",
            "net_amount",
            "currency",
            "status",
            "reason",
            "payout_details",
            "requested_at",
            "completed_at",
        ]

    def get_payout_details(self, withdrawal) -> dict[str, str]:
        # Never whole: the last four characters are enough to recognise them.
        return {k: mask(str(v)) for k, v in json.loads(withdrawal.payout_details).items()}


class WithdrawalRequestSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=WithdrawalMethod.Code.choices)
    amount = MoneySerializerField()
    paypal_email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    upi_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    gift_card_brand = serializers.CharField(required=False, allow_blank=True, max_length=60)
    crypto_network = serializers.CharField(required=False, allow_blank=True, max_length=20)
    crypto_address = serializers.CharField(required=False, allow_blank=True, max_length=64)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True)


class MyWithdrawalsApi(generics.ListAPIView):
    serializer_class = WithdrawalSerializer
    queryset = Withdrawal.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            Withdrawal.objects.filter(user=self.request.user)
            .select_related("method")
            .order_by("-requested_at", "-id")
        )

    @extend_schema(
        request=WithdrawalRequestSerializer,
        responses={201: WithdrawalSerializer},
        summary="Request a withdrawal",
    )
    def post(self, request):
        payload = WithdrawalRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        withdrawal = withdrawal_request(
            user=request.user,
            method_code=data.pop("method"),
            amount=data.pop("amount"),
            password=data.pop("password", None),
            details=data,
            request=request,
        )
        return Response(WithdrawalSerializer(withdrawal).data, status=status.HTTP_201_CREATED)


class MyWithdrawalCancelApi(APIView):
    @extend_schema(
        request=None,
        responses={200: WithdrawalSerializer, 409: ErrorSerializer},
        summary="Cancel a pending withdrawal",
    )
    def post(self, request, pk):
        withdrawal = get_object_or_404(Withdrawal, pk=pk, user=request.user)
        if not withdrawal_cancel(withdrawal=withdrawal, user=request.user):
            raise Conflict("not_cancellable", f"This withdrawal is {withdrawal.status}.")
        withdrawal.refresh_from_db()
        return Response(WithdrawalSerializer(withdrawal).data)
