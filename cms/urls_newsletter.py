"""The newsletter's pages: subscribe, check your inbox, confirm, unsubscribe, and the
Newsletters block of the notification settings."""

from django.urls import path

from . import views_newsletter as views

urlpatterns = [
    path("newsletter/subscribe/", views.subscribe_view, name="newsletter-subscribe"),
    path("newsletter/check-your-inbox/", views.check_inbox, name="newsletter-check-inbox"),
    path("newsletter/confirm/<str:token>/", views.confirm_view, name="newsletter-confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/", views.unsubscribe_view, name="newsletter-unsubscribe"
    ),
    path("newsletter/preferences/", views.preferences_view, name="newsletter-preferences"),
]
