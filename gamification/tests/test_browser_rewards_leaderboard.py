"""The issue's acceptance, in a real browser on the demo data: the demo shopper claims
the daily bonus on the Rewards page and then sees themselves on the leaderboard."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from accounts.models import User
from config.testing import browser_login, click
from gamification.models import DailyBonusClaim
from wallet.tests.factories import balances

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_demo_shopper_claims_the_daily_bonus_and_sees_the_leaderboard(
    browser, live_server, artifacts_dir, settings
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    shopper = User.objects.get(email="demo@savebucks.test")
    before = balances(shopper)["available"]
    wait = WebDriverWait(browser, 15)
    browser_login(browser, live_server.url, "demo@savebucks.test", "demo-pass-123")

    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=nav-rewards]"))
    click(browser, wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-test=claim]"))))
    wait.until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "Day 4 claimed")
    )
    assert browser.find_element(By.CSS_SELECTOR, "[data-test=claimed-today]").text == (
        "You have claimed today's bonus. Tomorrow: day 5, USD 0.30."
    )
    browser.save_screenshot(str(artifacts_dir / "rewards-daily-bonus-claimed.png"))

    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=nav-leaderboards]"))
    click(browser, wait.until(ec.element_to_be_clickable((By.LINK_TEXT, "Weekly points"))))
    my_rank = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=my-rank]")))
    assert my_rank.text.startswith("Your rank: #")
    mine = browser.find_element(By.CSS_SELECTOR, "[data-test=standings] tr.table-success")
    assert "Dana D." in mine.text
    assert len(browser.find_elements(By.CSS_SELECTOR, "[data-test=standings] tbody tr")) == 21
    shot = artifacts_dir / "leaderboard-after-daily-bonus.png"
    browser.save_screenshot(str(shot))

    assert shot.stat().st_size > 10_000
    assert DailyBonusClaim.objects.filter(user=shopper).count() == 4
    assert balances(shopper)["available"] == before + Decimal("0.20")
