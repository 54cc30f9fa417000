"""Every page's footer links come from the process's row cache, and follow page saves."""

import pytest
from django.urls import reverse

from cms.models import Page

pytestmark = pytest.mark.django_db


def _footer(client) -> str:
    return client.get(reverse("home")).content.decode().split("<footer", 1)[1]


def test_footer_links_follow_publishing_and_unpublishing_at_once(client):
    page = Page.objects.create(title="About us", slug="about", body="Hello.", show_in_footer=True)
    assert "About us" not in _footer(client)  # a draft

    page.status = Page.Status.PUBLISHED
    page.save()
    assert "About us" in _footer(client)

    page.delete()
    assert "About us" not in _footer(client)
