from django.urls import path

from . import views_webhooks

urlpatterns = [
    path(
        "webhooks/payments/<str:provider>/",
        views_webhooks.payment_webhook,
        name="payment-webhook",
    ),
]
