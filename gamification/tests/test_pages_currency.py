"""Prize amounts on the leaderboard, race and challenge pages name the currency, as the
leaderboards list, the Rewards page and the statement already do. Walking the demo, the
list said "Prizes: USD 50.00" and the board one click later "#1: 25.00"."""

import pytest
from django.urls import reverse

from .factories_boards import LeaderboardFactory
from .factories_races import ChallengeFactory, RaceFactory

pytestmark = pytest.mark.django_db


def test_leaderboard_prizes_name_the_currency(client):
    LeaderboardFactory(slug="monthly")
    page = client.get("/leaderboards/monthly/").content.decode()
    assert "<li>#1: USD 25.00</li>" in page


def test_race_pool_and_prizes_name_the_currency(client):
    race = RaceFactory(slug="spring")
    detail = client.get(reverse("gamification:race", args=[race.slug])).content.decode()
    listing = client.get(reverse("gamification:races")).content.decode()
    assert "Pool USD 100.00." in detail and "Rank 1: USD " in detail
    assert "Pool USD 100.00 · ends" in listing


def test_challenge_prize_names_the_currency(client):
    ChallengeFactory()
    page = client.get(reverse("gamification:challenges")).content.decode()
    assert "Prize USD 5.00 for up to" in page
