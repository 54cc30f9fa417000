"""/api/v1/me/orders/: the caller's gift-card orders."""

from django.urls import path

from .api_orders import MyOrderApi, MyOrderCancelApi, MyOrderItemRevealApi, MyOrdersApi

urlpatterns = [
    path("me/orders/", MyOrdersApi.as_view(), name="api-me-orders"),
    path("me/orders/<str:number>/", MyOrderApi.as_view(), name="api-me-order"),
    path("me/orders/<str:number>/cancel/", MyOrderCancelApi.as_view(), name="api-me-order-cancel"),
    path(
        "me/orders/<str:number>/items/<int:pk>/reveal/",
        MyOrderItemRevealApi.as_view(),
        name="api-me-order-item-reveal",
    ),
]
