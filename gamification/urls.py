"""Shopper pages: rewards, leaderboards, races, challenges."""

from django.urls import path

from . import views_rewards

app_name = "gamification"

urlpatterns: list = [
    path("rewards/", views_rewards.rewards, name="rewards"),
    path(
        "rewards/daily-bonus/claim/",
        views_rewards.daily_bonus_claim_view,
        name="daily-bonus-claim",
    ),
    path("rewards/bonus-code/", views_rewards.bonus_code_redeem_view, name="bonus-code-redeem"),
]
