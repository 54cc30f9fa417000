"""Shopper pages: rewards, leaderboards, races, challenges."""

from django.urls import path

from .views_points import points_redeem_view

app_name = "gamification"

urlpatterns: list = [
    path("rewards/points/redeem/", points_redeem_view, name="points-redeem"),
]
