"""/api/v1/me/orders/: the caller's gift-card orders."""

from django.urls import path

from . import converters  # noqa: F401 (registers store_ref)
from .api_orders import MyOrderApi, MyOrderCancelApi, MyOrderItemRevealApi, MyOrdersApi

urlpatterns = [
    path("me/orders/", MyOrdersApi.as_view(), name="api-me-orders"),
    path("me/orders/<store_ref:number>/", MyOrderApi.as_view(), name="api-me-order"),
    path(
        "me/orders/<store_ref:number>/cancel/",
        MyOrderCancelApi.as_view(),
        name="api-me-order-cancel",
    ),
    path(
        "me/orders/<store_ref:number>/items/<int:pk>/reveal/",
        MyOrderItemRevealApi.as_view(),
        name="api-me-order-item-reveal",
    ),
]
