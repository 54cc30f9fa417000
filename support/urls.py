"""The support pages: one URL module per feature (tickets, claims, notifications, the
Telegram webhook), all mounted at the site root."""

from django.urls import include, path

app_name = "support"

urlpatterns = [
    path("", include("support.urls_tickets")),
    path("", include("support.urls_claims")),
    path("", include("support.urls_notifications")),
    path("", include("support.telegram.urls")),
]
