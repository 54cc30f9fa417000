"""The demo shopper claims the daily bonus and redeems WELCOME5 on the Rewards page."""

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


def test_claim_and_redeem_on_the_rewards_page(browser, live_server, artifacts_dir, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    shopper = User.objects.get(email="demo@savebucks.test")
    before = balances(shopper)["available"]
    wait = WebDriverWait(browser, 15)
    browser_login(browser, live_server.url, "demo@savebucks.test", "demo-pass-123")

    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=nav-rewards]"))
    button = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-test=claim]")))
    assert button.text == "Claim day 4: USD 0.20"
    browser.save_screenshot(str(artifacts_dir / "rewards-before-claim.png"))
    click(browser, button)
    wait.until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "Day 4 claimed")
    )
    assert "Streak: 4 days" in browser.find_element(By.CSS_SELECTOR, "[data-test=streak]").text

    browser.find_element(By.NAME, "code").send_keys("welcome5")
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=redeem]"))
    wait.until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "Code accepted")
    )
    browser.save_screenshot(str(artifacts_dir / "rewards-after-claim.png"))

    assert DailyBonusClaim.objects.filter(user=shopper).count() == 4
    assert balances(shopper)["available"] == before + Decimal("5.20")
