"""A shopper goes home → store → offer → "Reveal code & go" in real Chromium."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from accounts.tests.factories import PASSWORD, UserFactory
from config.testing import browser_login, click
from offers.models import Offer
from tracking.models import Click

from .factories import MerchantFactory, OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_home_to_store_to_reveal_code_and_go(browser, live_server, artifacts_dir):
    shopper = UserFactory(email="browser@example.com")
    store = MerchantFactory(
        name="Acme Gadgets",
        is_featured=True,
        # The "store" is our own health page, so the click-out tab lands somewhere real.
        tracking_url=f"{live_server.url}/health/?click={{click_id}}",
    )
    offer = OfferFactory(
        merchant=store, title="15% off headphones", offer_type=Offer.Type.CODE, coupon_code="ACME15"
    )
    wait = WebDriverWait(browser, 15)

    browser_login(browser, live_server.url, shopper.email, PASSWORD)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-test=dashboard-title]")))

    browser.get(f"{live_server.url}/")
    click(
        browser,
        browser.find_element(By.XPATH, "//a[@data-test='store-card'][contains(., 'Acme Gadgets')]"),
    )
    wait.until(
        ec.text_to_be_present_in_element(
            (By.CSS_SELECTOR, "[data-test=merchant-name]"), "Acme Gadgets"
        )
    )
    click(browser, browser.find_element(By.LINK_TEXT, "15% off headphones"))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-test=offer-title]")))
    code = browser.find_element(By.CSS_SELECTOR, "[data-test=coupon-code]")
    assert not code.is_displayed()

    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=reveal-and-go]"))

    wait.until(ec.visibility_of(code))
    assert code.text == "ACME15"
    wait.until(lambda b: len(b.window_handles) == 2)
    offer_tab, store_tab = browser.window_handles
    browser.save_screenshot(str(artifacts_dir / "reveal-code-and-go.png"))
    browser.switch_to.window(store_tab)
    wait.until(lambda b: "/health/?click=" in b.current_url)
    click_id = re.search(r"click=([0-9a-f-]{36})", browser.current_url).group(1)
    recorded = Click.objects.get(click_id=click_id)
    assert (recorded.user, recorded.offer) == (shopper, offer)
    browser.switch_to.window(offer_tab)
