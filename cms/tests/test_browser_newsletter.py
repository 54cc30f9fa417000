"""The newsletter in a real browser on the demo data: a visitor fills the footer form on
the home page, sees "check your inbox", opens the emailed link, presses Confirm and sees
the confirmed page; the subscription is confirmed only then."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from cms.models import Subscription
from config.testing import click

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_footer_subscription_through_to_the_confirmed_page(
    browser, live_server, artifacts_dir, settings
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    mail.outbox = []
    wait = WebDriverWait(browser, 15)

    browser.get(live_server.url + "/")
    form = browser.find_element(By.CSS_SELECTOR, "footer [data-test=newsletter-form-footer]")
    assert settings.NEWSLETTER_CONSENT_TEXT in form.text
    form.find_element(By.CSS_SELECTOR, "[data-test=newsletter-email]").send_keys(
        "browser.reader@example.com"
    )
    submit = form.find_element(By.CSS_SELECTOR, "[data-test=newsletter-submit]")
    # Bootstrap scrolls smoothly: jump to the footer, or the click lands mid-scroll.
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", submit
    )
    wait.until(ec.element_to_be_clickable(submit)).click()
    inbox = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=newsletter-check-inbox]"))
    )
    assert "Check your inbox" in inbox.text

    (email,) = [m for m in mail.outbox if m.to == ["browser.reader@example.com"]]
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", email.body).group(0)
    browser.get(live_server.url + link.removeprefix(settings.SITE_URL))
    button = wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-test=newsletter-confirm]"))
    )
    assert "Weekly deals" in browser.page_source
    assert Subscription.objects.get(email="browser.reader@example.com").status == "pending"

    click(browser, button)
    done = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=newsletter-confirmed]"))
    )

    assert "You are subscribed to Weekly deals" in done.text
    assert Subscription.objects.get(email="browser.reader@example.com").status == "confirmed"
    browser.save_screenshot(str(artifacts_dir / "newsletter-confirmed.png"))
