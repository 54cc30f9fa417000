"""Gamification's routes under /api/v1/ (included by config.api_urls)."""

from django.urls import path

from . import api_leaderboards

urlpatterns: list = [
    path("leaderboards/", api_leaderboards.LeaderboardListApi.as_view(), name="api-leaderboards"),
    path(
        "leaderboards/<slug:slug>/",
        api_leaderboards.LeaderboardDetailApi.as_view(),
        name="api-leaderboard",
    ),
]
