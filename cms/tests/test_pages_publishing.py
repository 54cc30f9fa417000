"""Scheduled pages and posts go live once their time has passed, each exactly once; the
admin refuses a schedule in the past and dates a publication without one."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cms.models import Page, Post
from cms.services.publishing import publish_scheduled
from cms.tasks import publish_scheduled as publish_task

from .factories_pages import PageFactory, PostFactory, content_editor

pytestmark = pytest.mark.django_db


def _statuses():
    return sorted(Page.objects.values_list("slug", "status")) + sorted(
        Post.objects.values_list("slug", "status")
    )


def test_due_scheduled_rows_are_published_and_counted_once():
    now = timezone.now()
    PageFactory(slug="due", status="scheduled", published_at=now - timedelta(minutes=1))
    PageFactory(slug="later", status="scheduled", published_at=now + timedelta(minutes=1))
    PageFactory(slug="draft", status="draft", published_at=now - timedelta(days=1))
    PostFactory(slug="due-post", status="scheduled", published_at=now)

    first = publish_scheduled(now=now)
    second = publish_scheduled(now=now)

    assert (first, second) == (2, 0)
    assert _statuses() == [
        ("draft", "draft"),
        ("due", "published"),
        ("later", "scheduled"),
        ("due-post", "published"),
    ]


def test_a_published_scheduled_page_reaches_the_footer_and_the_site(client):
    PageFactory(
        slug="launch",
        title="Launch day",
        status="scheduled",
        show_in_footer=True,
        published_at=timezone.now() + timedelta(seconds=1),
    )
    assert client.get("/p/launch/").status_code == 404

    publish_scheduled(now=timezone.now() + timedelta(minutes=1))

    assert client.get("/p/launch/").status_code == 200
    assert 'href="/p/launch/"' in client.get(reverse("home")).content.decode()


def test_the_beat_task_and_the_command_run_the_same_service():
    past = timezone.now() - timedelta(minutes=5)
    PageFactory(status="scheduled", published_at=past)
    PostFactory(status="scheduled", published_at=past)
    out = io.StringIO()

    assert publish_task() == {"published": 1 + 1}
    call_command("publish_scheduled", stdout=out)

    assert out.getvalue() == "0 published.\n"


def _page_form(**fields):
    return {
        "title": "Launch",
        "slug": "launch",
        "kind": "page",
        "body": "Text",
        "excerpt": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        **fields,
    }


def test_the_admin_refuses_a_schedule_without_a_future_time(client):
    client.force_login(content_editor())
    url = reverse("admin:cms_page_add")
    past = timezone.localtime() - timedelta(hours=1)

    without = client.post(url, _page_form(status="scheduled"))
    in_past = client.post(
        url,
        _page_form(
            status="scheduled",
            published_at_0=past.strftime("%Y-%m-%d"),
            published_at_1=past.strftime("%H:%M:%S"),
        ),
    )

    for answer in (without, in_past):
        assert answer.status_code == 200
        assert answer.context["adminform"].form.errors == {
            "published_at": ["A scheduled page or post needs a publication time in the future."]
        }
    assert Page.objects.count() == 0


def test_the_admin_schedules_a_future_time_and_dates_a_publication_without_one(client):
    client.force_login(content_editor())
    url = reverse("admin:cms_page_add")
    later = timezone.localtime() + timedelta(days=1)
    before = timezone.now()

    scheduled = client.post(
        url,
        _page_form(
            slug="later",
            status="scheduled",
            published_at_0=later.strftime("%Y-%m-%d"),
            published_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    published = client.post(url, _page_form(slug="now", status="published"))

    assert (scheduled.status_code, published.status_code) == (302, 302)
    assert Page.objects.get(slug="later").published_at == later.replace(microsecond=0)
    now_page = Page.objects.get(slug="now")
    assert now_page.status == "published"
    assert before <= now_page.published_at <= timezone.now()
