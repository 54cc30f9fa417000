"""The caller's Telegram link under /api/v1/ (included by support.api_urls)."""

from django.urls import path

from .api import MyTelegramApi, MyTelegramLinkApi

urlpatterns = [
    path("me/telegram/", MyTelegramApi.as_view(), name="api-me-telegram"),
    path("me/telegram/link/", MyTelegramLinkApi.as_view(), name="api-me-telegram-link"),
]
