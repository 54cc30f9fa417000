from django.urls import path

from . import views_orders

urlpatterns = [
    path("gift-cards/orders/", views_orders.order_list, name="orders"),
    path("gift-cards/orders/<str:number>/", views_orders.order_detail, name="order"),
]
