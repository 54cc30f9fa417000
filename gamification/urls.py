"""Shopper pages: rewards, leaderboards, races, challenges."""

from django.urls import path

from . import views_leaderboards, views_races, views_rewards
from .views_points import points_redeem_view

app_name = "gamification"

urlpatterns: list = [
    path("rewards/points/redeem/", points_redeem_view, name="points-redeem"),
    path("races/", views_races.races, name="races"),
    path("races/past/", views_races.races_past, name="races-past"),
    path("races/link-account/", views_races.external_account_link, name="races-link"),
    path("races/<slug:slug>/", views_races.race_detail, name="race"),
    path("challenges/", views_races.challenges, name="challenges"),
    path(
        "challenges/<int:challenge_id>/enter/",
        views_races.challenge_enter_view,
        name="challenge-enter",
    ),
    path("leaderboards/", views_leaderboards.leaderboard_list, name="leaderboards"),
    path("leaderboards/<slug:slug>/", views_leaderboards.leaderboard_detail, name="leaderboard"),
    path("rewards/", views_rewards.rewards, name="rewards"),
    path(
        "rewards/daily-bonus/claim/",
        views_rewards.daily_bonus_claim_view,
        name="daily-bonus-claim",
    ),
    path("rewards/bonus-code/", views_rewards.bonus_code_redeem_view, name="bonus-code-redeem"),
]
