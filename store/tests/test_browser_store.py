"""The issue's browser acceptance: a funded shopper logs in, opens the gift cards from
the header, buys a 10.00 voucher with the wallet, lands on the delivered order, clicks
Reveal and sees the code. (The live server runs Celery eagerly, as every test does, and
commits for real, so the fulfil task runs after the order's commit.)"""

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from accounts.models import AuditLog
from accounts.tests.factories import PASSWORD
from config.testing import browser_login, click
from offers.tests.factories import MerchantFactory
from store.models import Code, Order
from store.tests.factories import ProductFactory, VariantFactory, add_codes, funded_shopper
from wallet.tests.factories import balances

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_shopper_buys_a_voucher_with_the_wallet_and_reveals_its_code(
    browser, live_server, artifacts_dir
):
    shopper = funded_shopper("25.00", email="buyer@example.com")
    product = ProductFactory(
        slug="acme-gift-card", name="Acme gift card", merchant=MerchantFactory(name="Acme")
    )
    ten = VariantFactory(product=product, denomination=Decimal("10.00"))
    VariantFactory(product=product, denomination=Decimal("25.00"))
    codes = add_codes(ten, 3, prefix="ACME-TEN-")
    add_codes(VariantFactory(product=ProductFactory(slug="other")), 1)
    wait = WebDriverWait(browser, 30)
    browser_login(browser, live_server.url, shopper.email, PASSWORD)

    click(
        browser,
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-test=nav-gift-cards]"))),
    )
    click(
        browser,
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-slug=acme-gift-card]"))),
    )
    form = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=buy-form]")))
    assert "USD 25.00" in browser.find_element(By.CSS_SELECTOR, "[data-test=balance]").text
    Select(form.find_element(By.NAME, "variant")).select_by_value(str(ten.pk))
    Select(form.find_element(By.NAME, "payment")).select_by_value("wallet")
    click(browser, form.find_element(By.CSS_SELECTOR, "[data-test=buy]"))

    status = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=order-status]"))
    )
    assert status.text == "Delivered"
    masked = browser.find_element(By.CSS_SELECTOR, "[data-test=masked-code]").text
    assert masked.startswith("••••") and codes[0] not in browser.page_source
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=reveal]"))

    shown = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=revealed-code]"))
    )
    order = Order.objects.get(user=shopper)
    code = Code.objects.get(order_item__order=order)
    assert shown.text == code.code
    assert code.code in codes
    assert code.code not in browser.current_url  # shown in the POST's answer, not a URL
    shot = artifacts_dir / "store-reveal.png"
    browser.save_screenshot(str(shot))

    assert shot.stat().st_size > 10_000
    assert order.status == Order.Status.FULFILLED
    assert balances(shopper) == {
        "available": Decimal("15.00"),
        "pending": Decimal("0.00"),
        "hold": Decimal("0.00"),
    }
    assert (code.status, code.reveal_count) == ("sold", 1)
    assert AuditLog.objects.filter(action="store.code_reveal", actor=shopper).count() == 1
