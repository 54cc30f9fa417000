"""/api/v1/me/orders/…: the caller's gift-card orders: place one, read them (codes
masked), cancel one, reveal an item's codes (session only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from wallet.api import ErrorSerializer

from .models import OrderItem
from .selectors import order_checkout_url, order_of, orders_of
from .serializers_orders import (
    OrderDetailSerializer,
    OrderInputSerializer,
    OrderPlacedSerializer,
    OrderSerializer,
    RevealSerializer,
)
from .services.attempts import order_attempt
from .services.errors import OrderNotFound
from .services.order_place import ItemRequest, order_place
from .services.reveal import RevealThrottled, item_reveal

NO_STORE = {"Cache-Control": "no-store"}


def _my_order(request, number: str):
    order = order_of(request.user, number)
    if order is None:
        raise OrderNotFound(detail="No such order in your account.")
    return order


def placed_body(order) -> dict:
    return OrderPlacedSerializer(
        {
            "number": order.number,
            "status": order.status,
            "total": order.total,
            "wallet_used": order.wallet_used,
            "gateway_amount": order.gateway_amount,
            "checkout_url": order_checkout_url(order),
        }
    ).data


class MyOrdersApi(generics.ListAPIView):
    serializer_class = OrderSerializer
    queryset = OrderSerializer.Meta.model.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return orders_of(self.request.user)

    @extend_schema(
        request=OrderInputSerializer,
        responses={
            200: OrderPlacedSerializer,
            201: OrderPlacedSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
            503: ErrorSerializer,
        },
        summary="Place a gift-card order (200 with the same order for a replayed key)",
    )
    def post(self, request):
        order_attempt(user=request.user)
        payload = OrderInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        order, created = order_place(
            user=request.user,
            items=[
                ItemRequest(
                    variant=item["variant"],
                    quantity=item["quantity"],
                    amount=item.get("amount"),
                    recipient_email=item.get("recipient_email", ""),
                    message=item.get("message", ""),
                )
                for item in data["items"]
            ],
            payment=data["payment"],
            gateway=data.get("gateway", ""),
            idempotency_key=data["idempotency_key"],
        )
        order.refresh_from_db()
        return Response(
            placed_body(order), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MyOrderApi(APIView):
    @extend_schema(
        responses={200: OrderDetailSerializer, 404: ErrorSerializer},
        summary="One of the caller's orders, codes masked",
    )
    def get(self, request, number: str):
        return Response(OrderDetailSerializer(_my_order(request, number)).data)


class MyOrderCancelApi(APIView):
    @extend_schema(
        request=None,
        responses={200: OrderDetailSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        summary="Cancel an order before it is delivered",
    )
    def post(self, request, number: str):
        order = _my_order(request, number)
        # Written beside this module by the refunds work; imported when first used.
        from .services.refunds import order_cancel

        order_cancel(order=order, user=request.user)
        return Response(OrderDetailSerializer(_my_order(request, number)).data)


class MyOrderItemRevealApi(APIView):
    # A session only, with its CSRF check: an API key or a token copied elsewhere must
    # not be enough to read bearer codes.
    authentication_classes = [SessionAuthentication]

    @extend_schema(
        request=None,
        responses={200: RevealSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
        summary="Reveal an item's codes (audited, rate-limited)",
    )
    def post(self, request, number: str, pk: int):
        item = OrderItem.objects.select_related("order").filter(pk=pk, order__number=number).first()
        try:
            revealed = item_reveal(user=request.user, item=item, request=request)
        except RevealThrottled as exc:
            return Response(
                exc.as_dict(),
                status=exc.http_status,
                headers={**NO_STORE, "Retry-After": str(exc.retry_after)},
            )
        body = RevealSerializer({"codes": revealed}).data
        return Response(body, headers=NO_STORE)
