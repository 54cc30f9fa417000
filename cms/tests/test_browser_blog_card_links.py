"""A blog card is one big link to its post, yet its category link must still be
clickable: the stretched title link once covered it, so a click opened the post."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from config.testing import click

from .factories_pages import PostCategoryFactory, PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_visitor_clicks_the_category_on_a_blog_card(browser, live_server, artifacts_dir):
    guides = PostCategoryFactory(slug="guides", name="Guides")
    PostFactory(slug="stacking", title="Stacking", categories=[guides])
    browser.set_window_size(1280, 1000)

    browser.get(live_server.url + "/blog/")
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=post-category]"))

    WebDriverWait(browser, 15).until(ec.url_to_be(live_server.url + "/blog/category/guides/"))
    browser.save_screenshot(str(artifacts_dir / "blog_card_category_link.png"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Guides"
