from django.urls import path

from . import (
    converters,  # noqa: F401 (registers store_ref)
    views_orders,
)

urlpatterns = [
    path("gift-cards/orders/", views_orders.order_list, name="orders"),
    path("gift-cards/orders/<store_ref:number>/", views_orders.order_detail, name="order"),
    path(
        "gift-cards/orders/<store_ref:number>/cancel/",
        views_orders.order_cancel_page,
        name="order-cancel",
    ),
    path(
        "gift-cards/orders/<store_ref:number>/items/<int:pk>/reveal/",
        views_orders.order_item_reveal,
        name="order-item-reveal",
    ),
]
