"""The blog on the site: published posts only, newest first, by page, category and tag;
a post with its stores and their live rate, for the same number of queries whatever the
number of stores."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from offers.tests.factories import MerchantFactory

from .factories_pages import PostCategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db


def _titles(answer) -> list[str]:
    return [post.title for post in answer.context["page"]]


def test_the_blog_lists_published_posts_newest_first_ten_a_page(client):
    now = timezone.now()
    for day in range(12):
        PostFactory(title=f"Day {day}", published_at=now - timedelta(days=day))
    PostFactory(title="Draft", status="draft", published_at=None)
    PostFactory(title="Soon", status="scheduled", published_at=now + timedelta(days=1))

    first = client.get(reverse("cms:blog"))
    second = client.get(reverse("cms:blog"), {"page": 2})

    assert _titles(first) == [f"Day {day}" for day in range(10)]
    assert _titles(second) == ["Day 10", "Day 11"]
    assert "Draft" not in first.content.decode() + second.content.decode()


def test_category_and_tag_pages_list_their_published_posts(client):
    guides, deals = PostCategoryFactory(slug="guides"), PostCategoryFactory(slug="deals")
    travel = TagFactory(slug="travel", name="Travel")
    PostFactory(title="Guide", categories=[guides], tags=[travel])
    PostFactory(title="Deal", categories=[deals])
    PostFactory(title="Hidden guide", categories=[guides], tags=[travel], status="draft")

    by_category = client.get(reverse("cms:blog-category", args=["guides"]))
    by_tag = client.get(reverse("cms:blog-tag", args=["travel"]))
    unknown = client.get(reverse("cms:blog-tag", args=["nope"]))

    assert (_titles(by_category), _titles(by_tag)) == (["Guide"], ["Guide"])
    assert unknown.status_code == 404


def test_a_post_shows_its_live_stores_with_their_cashback_rate(client):
    acme = MerchantFactory(name="Acme Electronics", cashback_value="4", cashback_max="50.00")
    gone = MerchantFactory(name="Closed Store", is_active=False)
    post = PostFactory(title="Stacking", merchants=[acme, gone])

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Acme Electronics" in html
    assert '<div class="small text-success" data-test="store-rate">4% cashback (up to ' in html
    assert "Closed Store" not in html


def _post_page_queries(client, django_assert_num_queries, stores: int, expected: int):
    post = PostFactory(
        slug=f"post-with-{stores}", merchants=[MerchantFactory() for _ in range(stores)]
    )
    with django_assert_num_queries(expected):
        answer = client.get(post.get_absolute_url())
    assert len(answer.context["post"].live_merchants) == stores


@pytest.mark.parametrize("stores", [1, 3])
def test_the_post_page_costs_the_same_queries_with_one_store_or_three(
    client, django_assert_num_queries, stores
):
    client.get(reverse("home"))  # the footer's row cache, loaded once per process
    # The post with its author, its categories, its tags, its live stores.
    _post_page_queries(client, django_assert_num_queries, stores, expected=4)
