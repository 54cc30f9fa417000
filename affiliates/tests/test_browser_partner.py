"""The demo partner logs in, builds a link with sub-ids, and sees the dashboard chart."""

import io

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from affiliates.models import Link
from config.testing import browser_login, click

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_partner_builds_a_link_and_sees_the_chart(browser, live_server, artifacts_dir, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    wait = WebDriverWait(browser, 15)
    browser_login(
        browser, live_server.url, "partner@savebucks.test", "partner-pass-123", "/partners/"
    )

    chart = wait.until(ec.presence_of_element_located((By.ID, "partner-chart")))
    wait.until(lambda b: chart.get_attribute("data-rendered") == "true")
    assert chart.size["height"] > 100
    assert browser.find_element(By.CSS_SELECTOR, "[data-test=clicks]").text == "47"
    browser.save_screenshot(str(artifacts_dir / "partner-dashboard.png"))

    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=nav-links]"))
    form = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-test=link-form]")))
    Select(form.find_element(By.NAME, "campaign")).select_by_visible_text("Demo Outdoor Store")
    form.find_element(By.NAME, "name").send_keys("Spring newsletter")
    form.find_element(By.NAME, "destination_url").send_keys(
        "https://example.com/spring?click={click_id}"
    )
    click(browser, form.find_element(By.CSS_SELECTOR, "[data-test=create-link]"))
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "is ready"))

    link = Link.objects.get(name="Spring newsletter")
    card = browser.find_element(By.CSS_SELECTOR, f"#link-{link.pk}")
    url = card.find_element(By.CSS_SELECTOR, "[data-test=link-url]")
    assert url.get_attribute("value") == f"{live_server.url}/go/{link.slug}/"
    click(browser, card.find_element(By.TAG_NAME, "summary"))
    card.find_element(By.NAME, "sub1").send_keys("spring")
    card.find_element(By.NAME, "sub2").send_keys("hero banner")
    assert url.get_attribute("value") == (
        f"{live_server.url}/go/{link.slug}/?sub1=spring&sub2=hero+banner"
    )
    click(browser, card.find_element(By.CSS_SELECTOR, "[data-test=copy]"))
    assert card.find_element(By.CSS_SELECTOR, "[data-test=copy]").text == "Copied"
    browser.save_screenshot(str(artifacts_dir / "partner-link-builder.png"))
