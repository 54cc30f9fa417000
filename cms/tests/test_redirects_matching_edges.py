"""The edges of matching found in review: prefix boundaries, percent-encoded sources, the
missing trailing slash, and what stays as designed (case, regex from the start)."""

import pytest

from cms.services.redirects import RedirectRefused, RuleInput, redirect_validate

from .factories_redirects import rule

pytestmark = pytest.mark.django_db


def _answer(client, path):
    response = client.get(path)
    return response.status_code, response.get("Location")


def test_a_prefix_without_a_slash_stops_at_a_segment_boundary(client):
    rule("/old", "/new/", match="prefix", keep_query_string=False)

    assert _answer(client, "/old") == (301, "/new/")
    assert _answer(client, "/old/a/") == (301, "/new/a/")
    # Before: /older-stuff/ → /new/er-stuff/, a made-up URL.
    assert _answer(client, "/older-stuff/") == (404, None)


def test_a_shorter_prefix_still_applies_when_a_longer_one_stops_short(client):
    rule("/old/", "/archive/", match="prefix", keep_query_string=False)
    rule("/old/deal", "/offers/", match="prefix", keep_query_string=False)

    assert _answer(client, "/old/deals-2019/") == (301, "/archive/deals-2019/")
    assert _answer(client, "/old/deal/x/") == (301, "/offers/x/")


@pytest.mark.parametrize("source", ["/café/", "/caf%C3%A9/"])
@pytest.mark.parametrize("requested", ["/café/", "/caf%C3%A9/"])
def test_a_source_written_decoded_or_escaped_matches_the_request_either_way(
    client, source, requested
):
    rule(source, "/stores/", keep_query_string=False)

    assert _answer(client, requested) == (301, "/stores/")


def test_an_escaped_prefix_matches_and_carries_the_rest_escaped(client):
    rule("/r%C3%A9ductions/", "/deals/", match="prefix", keep_query_string=False)

    assert _answer(client, "/réductions/été/") == (301, "/deals/%C3%A9t%C3%A9/")


def test_a_literal_percent_path_from_the_404_log_is_not_decoded_twice(client):
    # path_info of a request for /50%2541/ is "/50%41/": the 404 log shows that.
    rule("/50%41/", "/stores/", keep_query_string=False)

    assert _answer(client, "/50%2541/") == (301, "/stores/")


def test_an_exact_rule_with_a_slash_answers_the_path_without_it(client):
    rule("/old-stores/", "/stores/", keep_query_string=False)

    assert _answer(client, "/old-stores") == (301, "/stores/")
    assert _answer(client, "/old-stores/x") == (404, None)


def test_a_target_that_is_the_source_without_its_slash_is_a_loop():
    with pytest.raises(RedirectRefused) as refused:
        redirect_validate(RuleInput("exact", "/a/", "/a", 301))

    assert refused.value.code == "redirect_loop"


def test_an_escaped_target_that_is_another_rules_source_is_a_chain():
    rule("/café/", "/stores/")

    with pytest.raises(RedirectRefused) as refused:
        redirect_validate(RuleInput("exact", "/old-cafe/", "/caf%C3%A9/", 301))

    assert refused.value.code == "redirect_chain"


def test_paths_are_case_sensitive_and_a_regex_matches_from_the_start_only(client):
    rule("/About-Us/", "/p/about/", keep_query_string=False)
    rule(r"/shop/(\d+)", "/offer/$1/", match="regex", keep_query_string=False)

    assert _answer(client, "/about-us/") == (404, None)
    assert _answer(client, "/shop/12/anything/") == (301, "/offer/12/")
    assert _answer(client, "/x/shop/12/") == (404, None)


def test_head_gets_the_redirect_and_the_410_gets_its_gone_page(client):
    rule("/moved/", "/stores/", keep_query_string=False)
    rule("/gone/", status=410)

    head = client.head("/moved/")
    gone = client.get("/gone/")

    assert (head.status_code, head["Location"]) == (301, "/stores/")
    assert gone.status_code == 410
    assert b"<h1>Gone</h1>" in gone.content
