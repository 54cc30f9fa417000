"""Redirect rules and the 404 log under concurrency, on PostgreSQL with real threads."""

import pytest
from django.test import Client

from cms.models import NotFoundEntry, RedirectRule
from cms.services.redirects import RedirectRefused, RuleInput, redirect_save
from config.testing import race

from .factories_redirects import rule

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_threads_404ing_one_new_path_make_one_row_with_ten_hits():
    statuses = race(10, lambda i: Client().get("/never-seen/").status_code)

    assert statuses == [404] * 10
    assert list(NotFoundEntry.objects.values_list("path", "hits")) == [("/never-seen/", 10)]


def test_ten_threads_following_one_rule_count_ten_hits():
    saved = rule("/old-stores/", "/stores/")

    statuses = race(10, lambda i: Client().get("/old-stores/").status_code)

    saved.refresh_from_db()
    assert (statuses, saved.hits) == ([301] * 10, 10)


def test_two_staff_saving_a_to_b_and_b_to_a_at_once_never_commit_a_loop():
    pairs = [(f"/a{n}/", f"/b{n}/") for n in range(5)]

    def save(i):
        source, target = pairs[i // 2] if i % 2 == 0 else pairs[i // 2][::-1]
        return redirect_save(RuleInput("exact", source, target, 301))

    results = race(10, save)

    for n, (a, b) in enumerate(pairs):
        pair = results[2 * n : 2 * n + 2]
        refused = [r for r in pair if isinstance(r, RedirectRefused)]
        assert len(refused) == 1, pair
        assert refused[0].code in ("redirect_loop", "redirect_chain")
        assert RedirectRule.objects.filter(source__in=(a, b)).count() == 1
