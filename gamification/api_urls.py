"""Gamification's routes under /api/v1/ (included by config.api_urls)."""

from django.urls import path

from . import api_daily, api_leaderboards, api_races
from .api_points import MyPointsApi, MyPointsRedeemApi
from .api_tiers import MyTierApi

urlpatterns: list = [
    path("me/points/", MyPointsApi.as_view(), name="api-me-points"),
    path("me/points/redeem/", MyPointsRedeemApi.as_view(), name="api-me-points-redeem"),
    path("me/tier/", MyTierApi.as_view(), name="api-me-tier"),
    path("races/", api_races.RaceListApi.as_view(), name="api-races"),
    path("races/<slug:slug>/", api_races.RaceDetailApi.as_view(), name="api-race"),
    path("challenges/", api_races.ChallengeListApi.as_view(), name="api-challenges"),
    path(
        "challenges/<int:pk>/entries/",
        api_races.ChallengeEntryApi.as_view(),
        name="api-challenge-entries",
    ),
    path("leaderboards/", api_leaderboards.LeaderboardListApi.as_view(), name="api-leaderboards"),
    path(
        "leaderboards/<slug:slug>/",
        api_leaderboards.LeaderboardDetailApi.as_view(),
        name="api-leaderboard",
    ),
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
