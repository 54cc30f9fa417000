"""A shopper signs up, verifies their email from the captured message, logs in."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from accounts.models import User
from config.testing import click

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "plum-orchard-42"


def _fill(browser, **fields):
    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=submit]"))


def test_signup_verify_login_dashboard(browser, live_server, mailoutbox, artifacts_dir):
    wait = WebDriverWait(browser, 15)

    browser.get(f"{live_server.url}/accounts/signup/")
    _fill(
        browser,
        email="Browser.Shopper@example.com",
        first_name="Bea",
        password1=PASSWORD,
        password2=PASSWORD,
    )
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-test=verify-banner]")))
    assert "welcome to your dashboard" in browser.page_source

    # Log out, then use the link from the email that signup sent.
    browser.find_element(By.CSS_SELECTOR, ".nav-link.dropdown-toggle").click()
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-test=logout]"))).click()
    wait.until(ec.presence_of_element_located((By.LINK_TEXT, "Log in")))
    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+/accounts/verify/\S+/", mailoutbox[0].body).group(0)
    assert link.startswith(live_server.url)
    browser.get(link)

    wait.until(ec.presence_of_element_located((By.NAME, "username")))
    assert "browser.shopper@example.com is verified" in browser.page_source
    _fill(browser, username="browser.shopper@example.com", password=PASSWORD)

    title = wait.until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "[data-test=dashboard-title]"))
    )
    assert title.text == "Hi Bea, welcome to your dashboard"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-test=verify-banner]")
    user = User.objects.get(email="browser.shopper@example.com")
    assert user.email_verified_at is not None
    assert user.status == User.Status.ACTIVE

    screenshot = artifacts_dir / "signup-verify-dashboard.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000
