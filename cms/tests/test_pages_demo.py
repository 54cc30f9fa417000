"""The demo's pages, FAQ and blog: seeded twice, the same rows; every page and post
answers, and each post shows its demo stores with their rate."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cms.models import FaqItem, FaqSection, Page, Post, PostCategory, Revision, Tag

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


def _snapshot():
    return (
        sorted(Page.objects.values_list("slug", "status", "show_in_footer", "published_at")),
        sorted(FaqSection.objects.values_list("slug", "position")),
        FaqItem.objects.count(),
        sorted(Post.objects.values_list("slug", "status", "published_at", "author__email")),
        sorted(Post.merchants.through.objects.values_list("post__slug", "merchant__slug")),
        PostCategory.objects.count(),
        Tag.objects.count(),
    )


def test_seed_demo_twice_gives_the_same_pages_faq_and_posts(settings, client):
    settings.DEBUG = True
    _seed()
    first = _snapshot()
    _seed()

    assert _snapshot() == first
    pages, sections, items, posts, stores, _, _ = first
    assert [slug for slug, *_ in pages] == ["about", "faq", "how-it-works", "privacy", "terms"]
    assert {status for _, status, *_ in pages + posts} == {"published"}
    assert sections == [("account", 2), ("cashback", 0), ("withdrawals", 1)]
    assert items == 10
    assert [(slug, email) for slug, _, _, email in posts] == [
        ("cashback-on-travel-bookings", "editor@savebucks.test"),
        ("stack-cashback-with-coupon-codes", "editor@savebucks.test"),
        ("winter-wardrobe-with-cashback", "editor@savebucks.test"),
    ]
    assert stores == [
        ("cashback-on-travel-bookings", "nimbus-travel"),
        ("stack-cashback-with-coupon-codes", "acme-electronics"),
        ("stack-cashback-with-coupon-codes", "pixelphone"),
        ("winter-wardrobe-with-cashback", "stride-shoes"),
        ("winter-wardrobe-with-cashback", "urban-threads"),
    ]
    assert Revision.objects.count() == 0  # seeding is not an edit


def test_the_demo_pages_and_posts_answer(settings, client):
    settings.DEBUG = True
    _seed()

    urls = [page.get_absolute_url() for page in Page.objects.exclude(slug="faq")]
    urls += [reverse("cms:faq"), reverse("cms:blog")]
    urls += [post.get_absolute_url() for post in Post.objects.all()]

    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
    html = client.get(reverse("cms:post", args=["stack-cashback-with-coupon-codes"])).content
    assert b"Acme Electronics" in html and b"4% cashback (up to USD 50.00)" in html
    assert b'By <span data-test="post-author">Cleo Writer</span>' in html
