"""Two beat runs of publish_scheduled at once, on PostgreSQL with real threads: the
conditional UPDATE publishes each row once and the counts add up to the rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import Page, Post
from cms.services.publishing import publish_scheduled
from config.testing import race

from .factories_pages import PageFactory, PostFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_publish_each_row_once():
    past = timezone.now() - timedelta(minutes=1)
    for _ in range(20):
        PageFactory(status="scheduled", published_at=past)
        PostFactory(status="scheduled", published_at=past)

    results = race(2, lambda i: publish_scheduled())

    # However the two interleave, no run fails and no row is counted twice.
    assert [type(count) for count in results] == [int, int]
    assert sum(results) == 40
    assert Page.objects.filter(status="published").count() == 20
    assert Post.objects.filter(status="published").count() == 20
