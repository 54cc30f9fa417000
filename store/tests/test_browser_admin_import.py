"""Finance imports codes for the demo's `limited-edition` in a real browser: a file with
a duplicate is refused with the row named (and no code shown), the fixed file goes in."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from config.testing import browser_login, click
from store.models import Code, Variant

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _upload(browser, wait, path):
    field = wait.until(ec.presence_of_element_located((By.NAME, "file")))
    field.send_keys(str(path))
    click(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit][value=Import]"))


def test_finance_imports_codes_after_fixing_a_refused_file(
    browser, live_server, artifacts_dir, settings, tmp_path
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    variant = Variant.objects.get(product__slug="limited-edition")
    wait = WebDriverWait(browser, 15)
    browser_login(browser, live_server.url, "finance@savebucks.test", "finance-pass-123")

    browser.get(live_server.url + reverse("admin:store_variant_changelist"))
    link = wait.until(
        ec.element_to_be_clickable(
            (By.CSS_SELECTOR, f'a[href="{reverse("admin:store_code_import", args=[variant.pk])}"]')
        )
    )
    click(browser, link)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,pin,expires_on\nLTD-BROWSER-0001,11,\nLTD-BROWSER-0001,12,\n")
    _upload(browser, wait, bad)

    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "ul.errorlist li")))
    listed = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.errorlist li")]
    assert listed == ["row 3: duplicate of row 2"]
    summary = browser.find_element(By.CSS_SELECTOR, ".errornote").text
    assert summary == "Nothing imported: 1 row(s) refused."
    assert "LTD-BROWSER" not in browser.page_source
    browser.save_screenshot(str(artifacts_dir / "store-admin-import-refused.png"))
    assert Code.objects.filter(variant=variant).count() == 3

    good = tmp_path / "good.csv"
    good.write_text("code,pin,expires_on\nLTD-BROWSER-0001,11,\nLTD-BROWSER-0002,12,2030-01-31\n")
    _upload(browser, wait, good)

    done = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    assert done.text == f"2 code(s) imported into {variant}."
    browser.save_screenshot(str(artifacts_dir / "store-admin-import-done.png"))
    assert Code.objects.filter(variant=variant, status="available").count() == 5
