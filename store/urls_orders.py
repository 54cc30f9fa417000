from django.urls import path

from . import views_orders

urlpatterns = [
    path("gift-cards/orders/", views_orders.order_list, name="orders"),
    path("gift-cards/orders/<str:number>/", views_orders.order_detail, name="order"),
    path("gift-cards/pay/fake/<str:ref>/", views_orders.fake_pay, name="fake-pay"),
]
