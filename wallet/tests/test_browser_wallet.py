"""The demo shopper sees the earnings chart and the statement, then withdraws, in Chromium."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from config.testing import browser_login, click
from wallet.models import Withdrawal

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_chart_statement_and_withdrawal(browser, live_server, artifacts_dir, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    wait = WebDriverWait(browser, 15)
    browser_login(browser, live_server.url, "demo@savebucks.test", "demo-pass-123")

    chart = wait.until(ec.presence_of_element_located((By.ID, "earnings-chart")))
    wait.until(lambda b: chart.get_attribute("data-rendered") == "true")
    assert chart.size["height"] > 100
    browser.save_screenshot(str(artifacts_dir / "wallet-dashboard.png"))

    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=statement-link]"))
    rows = wait.until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, "[data-test=statement] tbody tr"))
    )
    # 3 confirmed cashbacks and the 3 daily bonuses of the demo's streak (gamification).
    assert len(rows) == 6
    assert sum("Cashback confirmed" in row.text for row in rows) == 3

    browser.get(f"{live_server.url}/wallet/withdraw/")
    click(browser, browser.find_element(By.CSS_SELECTOR, "input[name=method][value=paypal]"))
    email = wait.until(ec.visibility_of_element_located((By.NAME, "paypal_email")))
    assert not browser.find_element(By.NAME, "upi_id").is_displayed()
    email.send_keys("dana@paypal.example")
    browser.find_element(By.NAME, "amount").send_keys("20.00")
    browser.find_element(By.NAME, "password").send_keys("demo-pass-123")
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=submit]"))

    wait.until(
        ec.text_to_be_present_in_element(
            (By.CSS_SELECTOR, ".alert-success"), "Withdrawal of USD 20.00 requested"
        )
    )
    assert "USD 38.80" in browser.find_element(By.CSS_SELECTOR, "[data-test=available]").text
    assert "Pending review" in browser.find_element(By.CSS_SELECTOR, "[data-test=withdrawals]").text
    browser.save_screenshot(str(artifacts_dir / "wallet-withdrawal.png"))
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount, withdrawal.net_amount, withdrawal.status) == (
        Decimal("20.00"),
        Decimal("19.60"),
        "pending",
    )
