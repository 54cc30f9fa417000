"""The caller's notifications and notification settings under /api/v1/me/."""

from django.urls import path

from . import api_notifications as api

urlpatterns = [
    path("me/notifications/", api.MyNotificationsApi.as_view(), name="api-me-notifications"),
    path(
        "me/notifications/read/",
        api.MyNotificationsReadApi.as_view(),
        name="api-me-notifications-read",
    ),
    path(
        "me/notification-preferences/",
        api.MyNotificationPreferencesApi.as_view(),
        name="api-me-notification-preferences",
    ),
]
