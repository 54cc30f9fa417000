from django.urls import path

from . import views_payments

urlpatterns = [
    path("gift-cards/pay/fake/<str:ref>/", views_payments.fake_pay, name="fake-pay"),
]
