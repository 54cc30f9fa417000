"""Shopper pages: rewards, leaderboards, races, challenges."""

app_name = "gamification"

urlpatterns: list = []
