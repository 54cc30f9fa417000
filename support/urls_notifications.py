"""The notification pages: the list, the preferences, and the one-click unsubscribe."""

from django.urls import path

from . import views_notifications as views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
