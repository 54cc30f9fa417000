"""The 404 log: one upsert per 404 (hits, first/last seen, last referrer), GET/HEAD only,
nothing for the skipped prefixes, bounded, never a 500; and what a 404 costs."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cms.models import NotFoundEntry, RedirectRule
from cms.services import not_found
from cms.services.not_found import not_found_prune, path_hash
from config.testing import data_statements

from .factories_redirects import rule

pytestmark = pytest.mark.django_db


def test_three_404s_make_one_row_with_three_hits_and_the_last_referrer(client):
    for referrer in ("https://a.example/", "", "https://b.example/page"):
        assert client.get("/no-such-page/", {"q": "x"}, HTTP_REFERER=referrer).status_code == 404

    entry = NotFoundEntry.objects.get()
    assert (entry.path, entry.hits, entry.last_referrer) == (
        "/no-such-page/",
        3,
        "https://b.example/page",
    )
    assert entry.path_hash == path_hash("/no-such-page/")
    assert entry.first_seen_at < entry.last_seen_at


def test_a_post_to_a_dead_url_is_neither_logged_nor_redirected(client):
    rule("/old-form/", "/stores/")

    assert client.post("/old-form/").status_code == 404
    assert client.post("/dead/").status_code == 404

    assert NotFoundEntry.objects.count() == 0
    assert RedirectRule.objects.get().hits == 0


@pytest.mark.parametrize("path", ["/go/unknown/", "/out/999999/", "/api/v1/nothing/", "/admin/x"])
def test_the_skipped_prefixes_write_no_row_and_follow_no_rule(client, path):
    rule("/go/", "/stores/", match="prefix")

    assert client.get(path).status_code in (404, 302)  # /admin/x asks to log in

    assert NotFoundEntry.objects.count() == 0
    assert RedirectRule.objects.get().hits == 0


def test_a_long_path_is_cut_and_a_nul_is_dropped(client, settings):
    settings.CMS_NOT_FOUND_MAX_PATH = 20

    client.get("/" + "a" * 100)
    client.get("/" + "a" * 50)
    client.get("/x%00y/")

    assert sorted(NotFoundEntry.objects.values_list("path", "hits")) == [
        ("/" + "a" * 19, 2),
        ("/xy/", 1),
    ]


def test_the_log_is_bounded_keeping_paths_with_a_rule_and_the_most_hit(client, monkeypatch):
    monkeypatch.setattr(not_found, "MAX_ROWS", 3)
    monkeypatch.setattr(not_found, "PRUNE_EVERY", 1)  # every new row looks
    kept = rule("/kept/", "/stores/")
    client.get("/popular/")
    client.get("/popular/")
    NotFoundEntry.objects.create(
        path="/kept/",
        path_hash=path_hash("/kept/"),
        hits=1,
        first_seen_at="2026-01-01T00:00Z",
        last_seen_at="2026-01-01T00:00Z",
        redirect=kept,
    )
    for n in range(1, 4):  # each new row past three drops the least hit, oldest seen
        client.get(f"/bot-{n}/")

    paths = sorted(NotFoundEntry.objects.values_list("path", flat=True))

    assert paths == ["/bot-3/", "/kept/", "/popular/"]
    assert not_found_prune(keep=100) == 0


def test_a_warm_404_with_ten_rules_makes_one_statement_whatever_the_rules(client):
    for n in range(10):
        rule(f"/r{n}/", "/stores/")
    client.get("/warm-up/")  # the rules compiled once for this process

    with data_statements() as statements:
        response = client.get("/nothing-here/")

    assert response.status_code == 404
    assert statements == ["INSERT cms_notfoundentry"]


def test_a_warm_redirect_makes_only_its_hit_update(client):
    rule("/old-stores/", "/stores/")
    client.get("/warm-up/")

    with data_statements() as statements:
        assert client.get("/old-stores/").status_code == 301

    assert statements == ["UPDATE cms_redirectrule"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_read_only_database_still_redirects_and_still_answers_404(client):
    rule("/old-stores/", "/stores/")
    client.get("/warm-up/")
    with connection.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = on")
    try:
        redirected = client.get("/old-stores/")
        missing = client.get("/nothing-here/")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = off")

    assert (redirected.status_code, redirected["Location"]) == (301, "/stores/")
    assert missing.status_code == 404
    assert RedirectRule.objects.get().hits == 0
    assert NotFoundEntry.objects.filter(path="/nothing-here/").count() == 0


@override_settings(CMS_REDIRECT_SKIP_PREFIXES=())
def test_with_no_skipped_prefix_a_dead_click_out_would_be_logged(client):
    """The skip list is what keeps /go/ out of the log (the test above is not vacuous)."""
    client.get("/go/unknown/")

    assert NotFoundEntry.objects.get().path == "/go/unknown/"


def test_prune_not_found_trims_to_keep_and_says_how_many(client):
    for path, hits in (("/a/", 3), ("/b/", 1), ("/c/", 2)):
        for _ in range(hits):
            client.get(path)
    out = StringIO()

    call_command("prune_not_found", "--keep", "2", stdout=out)

    assert out.getvalue() == "1 404 log row(s) deleted.\n"
    assert sorted(NotFoundEntry.objects.values_list("path", "hits")) == [("/a/", 3), ("/c/", 2)]
