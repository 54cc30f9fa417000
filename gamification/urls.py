"""Shopper pages: rewards, leaderboards, races, challenges."""

from django.urls import path

from . import views_leaderboards

app_name = "gamification"

urlpatterns: list = [
    path("leaderboards/", views_leaderboards.leaderboard_list, name="leaderboards"),
    path("leaderboards/<slug:slug>/", views_leaderboards.leaderboard_detail, name="leaderboard"),
]
