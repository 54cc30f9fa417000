"""Drafts and scheduled rows are a 404 for everyone but staff who may view them and ask
for a preview; the preview says so, is noindex and is never cached."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory

from .factories_pages import PageFactory, PostFactory, content_editor, support_agent

pytestmark = pytest.mark.django_db

SECRET = "Our unannounced partnership"
BANNER = "Preview — not published"


def _rows():
    later = timezone.now() + timedelta(days=3)
    return [
        reverse("cms:page", args=[PageFactory(status="draft", body=SECRET, title=SECRET).slug]),
        reverse(
            "cms:page",
            args=[PageFactory(status="scheduled", published_at=later, body=SECRET).slug],
        ),
        reverse("cms:post", args=[PostFactory(status="draft", body=SECRET, title=SECRET).slug]),
        reverse(
            "cms:post",
            args=[PostFactory(status="scheduled", published_at=later, body=SECRET).slug],
        ),
    ]


@pytest.mark.parametrize(
    "who", ["anonymous", "shopper", "staff_without_role", "support_agent"], ids=str
)
def test_unpublished_rows_are_404_without_their_text_even_when_asking_for_a_preview(client, who):
    urls = _rows()
    users = {
        "shopper": UserFactory,
        "staff_without_role": StaffFactory,
        "support_agent": support_agent,
    }
    if who in users:
        client.force_login(users[who]())

    answers = [client.get(url + suffix) for url in urls for suffix in ("", "?preview=1")]

    assert [answer.status_code for answer in answers] == [404] * 8
    assert [answer for answer in answers if SECRET in answer.content.decode()] == []


def test_a_content_editor_previews_a_draft_with_a_banner_noindex_and_no_cache(client):
    urls = _rows()
    client.force_login(content_editor())

    previews = [client.get(url + "?preview=1") for url in urls]
    plain = [client.get(url) for url in urls]

    assert [answer.status_code for answer in previews] == [200] * 4
    for answer in previews:
        html = answer.content.decode()
        assert SECRET in html and BANNER in html
        assert '<meta name="robots" content="noindex,follow">' in html
        assert "no-store" in answer["Cache-Control"]
        assert "application/ld+json" not in html  # no BlogPosting for a draft
    # Without asking for it, staff see what shoppers see.
    assert [answer.status_code for answer in plain] == [404] * 4


def test_a_published_row_shows_no_banner_even_with_the_preview_flag(client):
    page = PageFactory(body="Live text")
    client.force_login(content_editor())

    html = client.get(page.get_absolute_url() + "?preview=1").content.decode()

    assert "Live text" in html and BANNER not in html and "noindex" not in html
