"""The content API: published pages and posts only, exact bodies (Markdown source and
sanitised HTML, the author's name and never their email, live stores with their rate),
filters by category and tag, the same 404 for drafts as for nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from offers.tests.factories import MerchantFactory

from .factories_pages import PageFactory, PostCategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
NOT_FOUND = {"code": "not_found", "detail": "No Page matches the given query."}


@pytest.fixture
def api():
    return APIClient()


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def test_a_published_page_in_full(api):
    page = PageFactory(
        slug="about",
        title="About",
        excerpt="Who we are.",
        body="We **pay** you.",
        seo_title="About SaveBucks",
        seo_description="The cashback site that pays.",
        published_at=WHEN,
    )

    answer = api.get(reverse("api-page", args=["about"]))

    assert answer.status_code == 200
    assert answer.json() == {
        "title": "About",
        "slug": "about",
        "excerpt": "Who we are.",
        "body": "We **pay** you.",
        "body_html": "<p>We <strong>pay</strong> you.</p>",
        "seo_title": "About SaveBucks",
        "seo_description": "The cashback site that pays.",
        "canonical_url": "",
        "published_at": "2026-11-20T09:30:00Z",
        "updated_at": _iso(page.updated_at),
    }


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_an_unpublished_page_or_post_is_the_same_404_as_none(api, status):
    later = timezone.now() + timedelta(days=1)
    PageFactory(slug="secret", status=status, published_at=later)
    PostFactory(slug="secret", status=status, published_at=later)

    answers = [
        api.get(reverse("api-page", args=["secret"])),
        api.get(reverse("api-page", args=["missing"])),
        api.get(reverse("api-post", args=["secret"])),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert [a.json()["code"] for a in answers] == ["not_found"] * 3
    assert answers[0].json() == answers[1].json() == NOT_FOUND


def test_a_published_post_in_full(api):
    author = UserFactory(first_name="Cleo", last_name="Writer", email="cleo@savebucks.test")
    acme = MerchantFactory(name="Acme", slug="acme", cashback_value="4", cashback_max="50.00")
    closed = MerchantFactory(slug="closed", is_active=False)
    post = PostFactory(
        slug="stacking",
        title="Stacking",
        excerpt="Both at once.",
        body="Use a *code*.",
        author=author,
        published_at=WHEN,
        merchants=[acme, closed],
        categories=[PostCategoryFactory(slug="guides")],
        tags=[TagFactory(slug="travel", name="Travel"), TagFactory(slug="basics", name="Basics")],
    )

    answer = api.get(reverse("api-post", args=["stacking"]))

    assert answer.json() == {
        "title": "Stacking",
        "slug": "stacking",
        "excerpt": "Both at once.",
        "body": "Use a *code*.",
        "body_html": "<p>Use a <em>code</em>.</p>",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        "published_at": "2026-11-20T09:30:00Z",
        "updated_at": _iso(post.updated_at),
        "author": "Cleo Writer",
        "categories": ["guides"],
        "tags": ["basics", "travel"],
        "cover_image": "",
        "merchants": [
            {
                "slug": "acme",
                "name": "Acme",
                "cashback": {
                    "type": "percentage",
                    "value": "4.0000",
                    "max": "50.00",
                    "label": "4% cashback (up to USD 50.00)",
                },
            }
        ],
    }
    assert "cleo@savebucks.test" not in answer.content.decode()


def test_an_author_without_a_name_is_the_team_never_the_email(api):
    PostFactory(slug="anon", author=UserFactory(first_name="", last_name="", email="x@y.test"))
    PostFactory(slug="nobody", author=None)

    names = [api.get(reverse("api-post", args=[s])).json()["author"] for s in ("anon", "nobody")]

    assert names == ["The SaveBucks team", "The SaveBucks team"]


def test_the_post_list_is_published_only_newest_first_and_filters(api):
    guides = PostCategoryFactory(slug="guides")
    travel = TagFactory(slug="travel")
    now = timezone.now()
    PostFactory(slug="old-guide", categories=[guides], published_at=now - timedelta(days=3))
    PostFactory(slug="new-trip", tags=[travel], published_at=now - timedelta(days=1))
    PostFactory(slug="draft-guide", categories=[guides], status="draft")

    every = api.get(reverse("api-posts")).json()
    by_category = api.get(reverse("api-posts"), {"category": "guides"}).json()
    by_tag = api.get(reverse("api-posts"), {"tag": "travel"}).json()
    unknown = api.get(reverse("api-posts"), {"tag": "nope"}).json()
    paged = api.get(reverse("api-posts"), {"page_size": 1, "page": 2}).json()

    assert [p["slug"] for p in every["results"]] == ["new-trip", "old-guide"]
    assert every["count"] == 2
    assert [p["slug"] for p in by_category["results"]] == ["old-guide"]
    assert [p["slug"] for p in by_tag["results"]] == ["new-trip"]
    assert unknown["results"] == []
    assert ([p["slug"] for p in paged["results"]], paged["next"]) == (["old-guide"], None)


def test_a_bad_page_size_is_a_400_naming_it(api):
    answer = api.get(reverse("api-posts"), {"page_size": 0})

    assert answer.status_code == 400
    assert answer.json() == {
        "code": "invalid",
        "detail": "page_size is a whole number from 1 to 100.",
        "field": "page_size",
    }


@pytest.mark.parametrize("posts", [1, 5])
def test_the_post_list_costs_the_same_queries_for_one_post_or_five(
    api, django_assert_num_queries, posts
):
    for _ in range(posts):
        PostFactory(
            merchants=[MerchantFactory(), MerchantFactory()],
            categories=[PostCategoryFactory()],
            tags=[TagFactory()],
        )

    # Count, the posts with their authors, their categories, tags and live stores.
    with django_assert_num_queries(5):
        answer = api.get(reverse("api-posts"))

    assert answer.json()["count"] == posts
