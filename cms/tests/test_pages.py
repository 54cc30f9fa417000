import pytest
from django.urls import reverse

from cms.models import Page

pytestmark = pytest.mark.django_db


def test_published_pages_show_drafts_do_not(client):
    Page.objects.create(title="Terms", slug="terms", body="Be nice.\n\nReally.", status="published")
    Page.objects.create(title="Secret", slug="secret", body="Draft", status="draft")

    published = client.get(reverse("cms:page", args=["terms"]))
    draft = client.get(reverse("cms:page", args=["secret"]))

    assert published.status_code == 200
    assert "<p>Be nice.</p>" in published.content.decode()
    assert draft.status_code == 404


def test_footer_links_published_footer_pages(client):
    Page.objects.create(
        title="Privacy", slug="privacy", body="x", status="published", show_in_footer=True
    )
    Page.objects.create(title="Unlisted", slug="unlisted", body="x", status="published")

    html = client.get(reverse("home")).content.decode()

    assert 'href="/p/privacy/"' in html
    assert "/p/unlisted/" not in html
