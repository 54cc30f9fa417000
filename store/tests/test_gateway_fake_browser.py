"""The fake gateway as `make run` uses it, in a real browser: the shopper lands on the pay
page their order's checkout_url names, presses Pay, and is back on the order page with the
order delivered."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from accounts.tests.factories import PASSWORD
from config.testing import browser_login, click
from store.models import Code
from store.tests.factories import funded_shopper
from store.tests.factories_pay import gateway_order, stocked_variant

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_shopper_pays_a_mixed_order_on_the_fake_pay_page(
    browser, live_server, artifacts_dir, settings
):
    settings.DEBUG = True
    settings.STORE_GATEWAYS = ["fake"]
    settings.SITE_URL = live_server.url
    shopper = funded_shopper("4.00")
    order, payment = gateway_order(
        shopper, stocked_variant(price="10.00"), gateway="fake", payment="mixed"
    )
    wait = WebDriverWait(browser, 15)
    # Logging in lands on the checkout_url's page (the pay page needs the session).
    browser_login(
        browser,
        live_server.url,
        shopper.email,
        PASSWORD,
        next_url=payment.checkout_url.removeprefix(live_server.url),
    )

    amount = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=amount]")))
    assert amount.text == "USD 6.00"
    assert order.number in browser.find_element(By.CSS_SELECTOR, "[data-test=order-number]").text
    browser.save_screenshot(str(artifacts_dir / "store-fake-pay.png"))
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=pay]"))

    wait.until(ec.url_to_be(live_server.url + order.get_absolute_url()))
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("fulfilled", "captured")
    assert Code.objects.filter(order_item__order=order, status="sold").count() == 1
