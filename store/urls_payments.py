from django.urls import path

from . import (
    converters,  # noqa: F401 (registers store_ref)
    views_payments,
)

urlpatterns = [
    path("gift-cards/pay/fake/<store_ref:ref>/", views_payments.fake_pay, name="fake-pay"),
    path(
        "gift-cards/pay/razorpay/<int:payment_id>/",
        views_payments.razorpay_pay,
        name="razorpay-pay",
    ),
    path(
        "gift-cards/pay/razorpay/<int:payment_id>/callback/",
        views_payments.razorpay_callback,
        name="razorpay-callback",
    ),
    path(
        "gift-cards/pay/stripe/<int:payment_id>/return/",
        views_payments.stripe_return,
        name="stripe-return",
    ),
]
