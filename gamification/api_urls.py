"""Gamification's routes under /api/v1/ (included by config.api_urls)."""

from django.urls import path

from . import api_daily

urlpatterns: list = [
    path("me/daily-bonus/", api_daily.MyDailyBonusApi.as_view(), name="api-me-daily-bonus"),
    path(
        "me/daily-bonus/claim/",
        api_daily.MyDailyBonusClaimApi.as_view(),
        name="api-me-daily-bonus-claim",
    ),
    path(
        "me/bonus-codes/redeem/",
        api_daily.MyBonusCodeRedeemApi.as_view(),
        name="api-me-bonus-code-redeem",
    ),
]
