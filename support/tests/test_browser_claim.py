"""The issue's acceptance, in a real browser on the demo data: the demo shopper opens
Activity, chooses "Missing cashback?" beside a trip with no sale, files a claim and sees
it on ice in My claims."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from accounts.models import User
from config.testing import browser_login, click
from support.models import MissingCashbackClaim

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_demo_shopper_files_a_missing_cashback_claim_from_activity_and_sees_it_on_ice(
    browser, live_server, artifacts_dir, settings
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    shopper = User.objects.get(email="demo@savebucks.test")
    wait = WebDriverWait(browser, 15)
    browser_login(browser, live_server.url, "demo@savebucks.test", "demo-pass-123")

    click(browser, browser.find_element(By.CSS_SELECTOR, ".nav-link.dropdown-toggle"))
    click(browser, wait.until(ec.element_to_be_clickable((By.LINK_TEXT, "Activity"))))
    links = wait.until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, "[data-test=missing-cashback]"))
    )
    # Every demo trip but the one behind the demo claim has its sale.
    assert len(links) == 1
    click(browser, links[0])

    form = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=claim-form]")))
    assert (
        "Acme Electronics" in browser.find_element(By.CSS_SELECTOR, "[data-test=claim-click]").text
    )
    form.find_element(By.NAME, "order_id").send_keys("web-2002")
    order_date = timezone.localdate() - timedelta(days=5)
    # A date input's typing order follows the browser's locale; its value is ISO always.
    browser.execute_script(
        "arguments[0].value = arguments[1]",
        form.find_element(By.NAME, "order_date"),
        order_date.isoformat(),
    )
    form.find_element(By.NAME, "order_amount").send_keys("74.20")
    click(browser, form.find_element(By.CSS_SELECTOR, "[data-test=submit]"))

    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "Claim filed"))
    rows = browser.find_elements(By.CSS_SELECTOR, "[data-test=claim-row]")
    mine = next(row for row in rows if "WEB-2002" in row.text)
    assert "On ice" in mine.find_element(By.CSS_SELECTOR, "[data-test=claim-status]").text
    shot = artifacts_dir / "claim-on-ice.png"
    browser.save_screenshot(str(shot))

    assert shot.stat().st_size > 10_000
    claim = MissingCashbackClaim.objects.get(user=shopper, order_id="WEB-2002")
    assert (claim.status, claim.order_date, str(claim.order_amount)) == (
        "on_ice",
        order_date,
        "74.20",
    )
    assert claim.ice_until == order_date + timedelta(days=claim.merchant.confirmation_days)
