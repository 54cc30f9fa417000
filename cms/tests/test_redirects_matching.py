"""Rules served on 404s: exact, prefix and regex with captures, the query string kept or
dropped, 410, precedence, and nothing but GET/HEAD redirected."""

import pytest

from cms.models import RedirectRule
from cms.services.redirect_rules import Matcher, literal_lead, matcher_build

from .factories_redirects import rule

pytestmark = pytest.mark.django_db


def _answer(client, path, **extra):
    response = client.get(path, **extra)
    return response.status_code, response.get("Location")


def test_an_exact_rule_redirects_its_path_only_and_counts_the_hit(client):
    saved = rule("/old-stores/", "/stores/", keep_query_string=False)

    assert _answer(client, "/old-stores/") == (301, "/stores/")
    assert _answer(client, "/old-stores/x/") == (404, None)
    saved.refresh_from_db()
    assert saved.hits == 1
    assert saved.last_hit_at is not None


def test_a_prefix_rule_moves_a_whole_section_and_the_longest_prefix_wins(client):
    rule("/old-blog/", "/news/", match="prefix")
    rule("/old-blog/deals/", "/offers-archive/", match="prefix")

    assert _answer(client, "/old-blog/a/b/") == (301, "/news/a/b/")
    assert _answer(client, "/old-blog/deals/x/") == (301, "/offers-archive/x/")
    assert _answer(client, "/old-blog/") == (301, "/news/")


def test_a_regex_rule_substitutes_numbered_and_named_groups(client):
    rule(r"^/shop/(?P<slug>[-\w]+)/$", "/store/$1/", match="regex")
    rule(r"^/deal/(\d+)/(?P<kind>\w+)/$", "/offer/${kind}/$1/", match="regex")

    assert _answer(client, "/shop/acme-electronics/") == (301, "/store/acme-electronics/")
    assert _answer(client, "/deal/42/coupon/") == (301, "/offer/coupon/42/")
    assert _answer(client, "/shop/a/b/") == (404, None)


def test_a_capture_cannot_turn_the_target_into_another_host_or_a_header(client):
    rule(r"^/legacy/([^?]*)$", "/$1", match="regex")

    assert _answer(client, "/legacy//evil.example/") == (301, "/evil.example/")
    assert _answer(client, "/legacy/a%0D%0ASet-Cookie:x=1") == (301, "/a%0D%0ASet-Cookie:x=1")


@pytest.mark.parametrize(
    ("keep", "target", "expected"),
    [
        (True, "/stores/", "/stores/?utm_source=mail&a=1"),
        (False, "/stores/", "/stores/"),
        (True, "/stores/?a=2&b=3", "/stores/?a=2&b=3&utm_source=mail"),
        (
            True,
            "https://partner.example/x?ref=sb",
            "https://partner.example/x?ref=sb&utm_source=mail&a=1",
        ),
    ],
)
def test_the_query_string_is_kept_or_dropped_and_merged(client, settings, keep, target, expected):
    settings.CMS_REDIRECT_ALLOWED_HOSTS = ["partner.example"]
    rule("/promo/", target, keep_query_string=keep)

    assert _answer(client, "/promo/?utm_source=mail&a=1") == (301, expected)


def test_a_302_rule_is_temporary_and_a_410_rule_says_gone(client):
    rule("/sale/", "/offers/", status=302)
    rule("/closed-store/", status=410)

    assert _answer(client, "/sale/") == (302, "/offers/")
    response = client.get("/closed-store/")
    assert response.status_code == 410
    assert b"<h1>Gone</h1>" in response.content


def test_exact_beats_prefix_beats_regex_and_regexes_go_by_priority_then_id(client):
    rule(r"^/x/.*$", "/regex-late/", match="regex", priority=50)
    rule(r"^/x/a.*$", "/regex-first/", match="regex", priority=10)
    rule(r"^/x/ab.*$", "/regex-same-priority-later-id/", match="regex", priority=10)
    rule("/x/p/", "/prefix/", match="prefix")
    rule("/x/p/exact/", "/exact/")

    assert _answer(client, "/x/p/exact/")[1] == "/exact/"
    assert _answer(client, "/x/p/other/")[1] == "/prefix/other/"
    assert _answer(client, "/x/abc/")[1] == "/regex-first/"
    assert _answer(client, "/x/zzz/")[1] == "/regex-late/"


def test_only_get_and_head_are_redirected(client):
    rule("/old-stores/", "/stores/")

    assert client.head("/old-stores/").status_code == 301
    assert client.post("/old-stores/").status_code == 404
    assert RedirectRule.objects.get().hits == 1


def test_an_inactive_rule_is_not_served(client):
    rule("/old-stores/", "/stores/", is_active=False)

    assert _answer(client, "/old-stores/") == (404, None)


def test_a_page_that_exists_is_never_redirected(client):
    """The middleware only looks at 404s: a rule on a live page stays dormant."""
    rule("/stores/", "/p/about/")

    assert client.get("/stores/").status_code == 200


@pytest.mark.parametrize(
    ("pattern", "lead"),
    [
        (r"^/shop/(?P<slug>[-\w]+)/$", "/shop/"),
        (r"^/a\.b/x?", "/a.b/"),
        (r"/news/\d+", "/news/"),
        (r"^/ab+c", "/ab"),
        (r"^(?i)/shop/", ""),
        (r"^/a/|^/b/", ""),
        (r"^[a-z]+", ""),
    ],
)
def test_the_literal_lead_of_a_regex_never_claims_more_than_every_match_shares(pattern, lead):
    assert literal_lead(pattern) == lead


def test_a_path_tries_only_the_regexes_of_its_own_buckets():
    rules = [rule(rf"^/s{i}/(\d+)/$", f"/t{i}/$1/", match="regex") for i in range(200)]
    rules.append(rule(r"^.*/amp/$", "/", match="regex"))  # no literal lead: always tried
    matcher = matcher_build()

    assert isinstance(matcher, Matcher)
    assert set(matcher.regex_buckets) == {f"/s{i}/" for i in range(200)}
    assert [r.source for r in matcher.regex_anywhere] == [r"^.*/amp/$"]
    found, match = matcher.find("/s17/5/")
    assert (found.id, match.group(1)) == (rules[17].pk, "5")
    assert matcher.find("/news/amp/")[0].id == rules[-1].pk
