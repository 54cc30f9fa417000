"""API URLs: the newsletter's subscribe endpoint."""

from django.urls import path

from .api_newsletter import NewsletterSubscribeApi

urlpatterns = [
    path(
        "newsletter/subscribe/",
        NewsletterSubscribeApi.as_view(),
        name="api-newsletter-subscribe",
    ),
]
