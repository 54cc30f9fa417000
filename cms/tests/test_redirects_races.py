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


def test_two_editors_adding_a_to_b_and_b_to_a_in_the_admin_get_one_rule_and_one_form_error():
    from support.tests.factories_tickets import staff_in

    editor = staff_in("Content editor")
    pairs = [(f"/a{n}/", f"/b{n}/") for n in range(3)]

    def post(i):
        source, target = pairs[i // 2] if i % 2 == 0 else pairs[i // 2][::-1]
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        return client.post(
            "/admin/cms/redirectrule/add/",
            {
                "match": "exact",
                "source": source,
                "target": target,
                "status_code": 301,
                "keep_query_string": "on",
                "is_active": "on",
                "priority": 100,
                "note": "",
            },
        ).status_code

    statuses = race(6, post)

    # 302: saved; 200: the form again, with the loop or chain as its error. Never a 500.
    assert sorted(statuses) == [200, 200, 200, 302, 302, 302]
    assert RedirectRule.objects.count() == 3
