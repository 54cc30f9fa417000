"""The blog in a real browser on the demo data: from the home page's header "Blog" link
to a post, with its title, its body and a linked store showing its cashback rate."""

import io

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from config.testing import click

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TITLE = "How to stack cashback with coupon codes"


def test_a_visitor_follows_the_blog_link_and_reads_a_post_with_its_stores(
    browser, live_server, artifacts_dir, settings
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    wait = WebDriverWait(browser, 15)
    browser.set_window_size(1280, 1000)

    browser.get(live_server.url + "/")
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=nav-blog]"))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-test=post-list]")))
    click(browser, browser.find_element(By.LINK_TEXT, TITLE))

    title = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=post-title]"))
    )
    assert title.text == TITLE
    assert browser.current_url == live_server.url + "/blog/stack-cashback-with-coupon-codes/"
    body = browser.find_element(By.CSS_SELECTOR, "[data-test=post-body]")
    assert "Cashback and coupon codes are not rivals" in body.text
    assert body.find_element(By.TAG_NAME, "h2").text == "The order of things"
    stores = {
        row.find_element(By.TAG_NAME, "a").text: row.find_element(
            By.CSS_SELECTOR, "[data-test=store-rate]"
        ).text
        for row in browser.find_elements(By.CSS_SELECTOR, "[data-test=post-store]")
    }
    assert stores == {
        "Acme Electronics": "4% cashback (up to USD 50.00)",
        "PixelPhone": "USD 12.00 cashback",
    }

    shot = artifacts_dir / "blog-post.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 0
