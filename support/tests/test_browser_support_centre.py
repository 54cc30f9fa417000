"""The support centre in a real browser on the demo data: the demo shopper opens Help and
support from the header menu, opens a ticket with a PNG receipt, lands on its thread and
sees the message and the file there; the file downloads only for its ticket's people."""

import io

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from accounts.models import User
from config.testing import browser_login, click
from support.models import Ticket, TicketAttachment

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
    "890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def test_demo_shopper_opens_a_ticket_with_a_png_and_sees_it_in_the_thread(
    browser, live_server, artifacts_dir, settings, tmp_path
):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    shopper = User.objects.get(email="demo@savebucks.test")
    before = Ticket.objects.filter(requester=shopper).count()
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(PNG)
    wait = WebDriverWait(browser, 15)
    browser_login(browser, live_server.url, "demo@savebucks.test", "demo-pass-123")

    click(browser, browser.find_element(By.CSS_SELECTOR, ".nav-link.dropdown-toggle"))
    click(
        browser,
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-test=nav-support]"))),
    )
    click(
        browser, wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-test=new-ticket]")))
    )
    form = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=ticket-form]"))
    )
    form.find_element(By.NAME, "subject").send_keys("Receipt for order WEB-77")
    Select(form.find_element(By.NAME, "category")).select_by_value("missing_cashback")
    form.find_element(By.NAME, "message").send_keys("My cashback for WEB-77 is missing.")
    form.find_element(By.NAME, "attachments").send_keys(str(receipt))
    click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "opened"))
    thread = browser.find_element(By.CSS_SELECTOR, "[data-test=thread]")
    messages = thread.find_elements(By.CSS_SELECTOR, "[data-test=message]")
    assert len(messages) == 1
    assert "My cashback for WEB-77 is missing." in messages[0].text
    link = messages[0].find_element(By.CSS_SELECTOR, "[data-test=attachment]")
    assert link.text == "receipt.png"
    shot = artifacts_dir / "support-centre-ticket-with-attachment.png"
    browser.save_screenshot(str(shot))

    assert shot.stat().st_size > 10_000
    assert Ticket.objects.filter(requester=shopper).count() == before + 1
    ticket = Ticket.objects.filter(requester=shopper).latest("pk")
    assert (ticket.subject, ticket.category, ticket.status) == (
        "Receipt for order WEB-77",
        "missing_cashback",
        "open",
    )
    item = TicketAttachment.objects.get(message__ticket=ticket)
    assert (item.original_name, item.content_type, item.size) == (
        "receipt.png",
        "image/png",
        len(PNG),
    )
    assert link.get_attribute("href").endswith(f"/support/attachments/{item.pk}/")
    assert browser.current_url.endswith(f"/support/tickets/{ticket.number}/")
