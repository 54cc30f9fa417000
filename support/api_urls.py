"""Support's routes under /api/v1/, one module per feature."""

from django.urls import include, path

urlpatterns = [
    path("", include("support.api_urls_tickets")),
    path("", include("support.api_urls_claims")),
    path("", include("support.api_urls_notifications")),
    path("", include("support.telegram.api_urls")),
]
