"""What may be saved: paths, regexes, safe targets, groups, and one hop only (loops and
chains refused), through the service, the admin form and the CSV import."""

import pytest
from django.urls import reverse

from cms.models import RedirectRule
from cms.services.redirects import RedirectRefused, RuleInput, redirect_validate
from cms.services.redirects_csv import redirects_import

from .factories_redirects import rule

pytestmark = pytest.mark.django_db


def _refusal(source, target="", match="exact", status=301) -> str:
    with pytest.raises(RedirectRefused) as refused:
        redirect_validate(RuleInput(match=match, source=source, target=target, status_code=status))
    return refused.value.code


@pytest.mark.parametrize(
    ("source", "target", "match", "status", "code"),
    [
        ("old-stores/", "/stores/", "exact", 301, "source_not_path"),
        ("/a b/", "/stores/", "exact", 301, "source_not_path"),
        ("/a/?x=1", "/stores/", "exact", 301, "source_has_query"),
        (r"^/shop/([a-z+/$", "/stores/", "regex", 301, "regex_invalid"),
        ("/a/", "", "exact", 301, "target_required"),
        ("/a/", "javascript:alert(1)", "exact", 301, "target_scheme"),
        ("/a/", "ftp://files.example/", "exact", 302, "target_scheme"),
        ("/a/", "//evil.example/", "exact", 301, "target_not_path"),
        ("/a/", "/\\evil.example/", "exact", 301, "target_invalid"),
        ("/a/", "stores/", "exact", 301, "target_not_path"),
        ("/a/", "/store/$1/", "exact", 301, "target_group_without_regex"),
        (r"^/shop/(\w+)/$", "/store/$2/", "regex", 301, "target_group_missing"),
        (r"^/shop/(?P<slug>\w+)/$", "/store/${name}/", "regex", 301, "target_group_missing"),
        (r"^/go(.*)$", "https://$1/", "regex", 301, "target_host_variable"),
        ("/a/", "/stores/", "exact", 307, "status_invalid"),
    ],
)
def test_bad_rules_are_refused_with_their_reason(source, target, match, status, code):
    assert _refusal(source, target, match, status) == code


def test_a_410_needs_no_target_and_keeps_none():
    checked = redirect_validate(RuleInput("exact", "/gone/", "/ignored/", 410))

    assert checked.target == ""


def test_a_rule_to_itself_is_a_loop():
    assert _refusal("/a/", "/a/") == "redirect_loop"
    assert _refusal("/a/", "/a/b/", match="prefix") == "redirect_loop"
    assert _refusal(r"^/s/(\w+)/$", "/s/$1/", match="regex") == "redirect_loop"
    assert _refusal("/a/", "http://127.0.0.1:8000/a/") == "redirect_loop"  # our SITE_URL


def test_a_loop_through_another_rule_is_refused():
    rule("/b/", "/a/")

    with pytest.raises(RedirectRefused) as refused:
        redirect_validate(RuleInput("exact", "/a/", "/b/", 301))

    assert refused.value.code == "redirect_loop"
    assert "redirected back to /a/" in refused.value.detail


def test_a_target_that_is_itself_redirected_is_a_chain():
    rule("/b/", "/c/")
    rule(r"^/shop/(\w+)/$", "/store/$1/", match="regex")

    assert _refusal("/a/", "/b/") == "redirect_chain"
    assert _refusal("/a/", "/shop/acme/") == "redirect_chain"
    redirect_validate(RuleInput("exact", "/a/", "/c/", 301))


def test_a_source_another_rule_points_at_would_make_a_chain():
    rule("/a/", "/b/")

    assert _refusal("/b/", "/c/") == "redirect_chain"


def test_an_inactive_or_gone_rule_makes_no_chain():
    rule("/b/", "/c/", is_active=False)
    rule("/d/", status=410)

    redirect_validate(RuleInput("exact", "/a/", "/b/", 301))
    redirect_validate(RuleInput("exact", "/e/", "/d/", 301))


def test_a_source_a_view_answers_is_allowed_with_a_warning():
    checked = redirect_validate(RuleInput("exact", "/stores/", "/p/about/", 301))

    assert checked.warnings == [
        "A page of the site answers URLs like /stores/: the rule only applies when that page "
        "answers 404 (rules run on 404s only)."
    ]


# --- The admin form ---------------------------------------------------------------------


def _add(client, **fields):
    data = {
        "match": "exact",
        "source": "",
        "target": "",
        "status_code": 301,
        "keep_query_string": "on",
        "is_active": "on",
        "priority": 100,
        "note": "",
        **fields,
    }
    return client.post(reverse("admin:cms_redirectrule_add"), data)


def test_the_admin_form_refuses_a_chain_and_a_loop_and_saves_nothing(admin_client):
    rule("/b/", "/c/")

    chain = _add(admin_client, source="/a/", target="/b/")
    loop = _add(admin_client, source="/c/", target="/b/")
    bad_regex = _add(admin_client, match="regex", source="^/x/(", target="/y/")

    assert chain.status_code == loop.status_code == bad_regex.status_code == 200
    assert (
        "Point this rule at the final target" in chain.context["adminform"].form.errors["target"][0]
    )
    assert (
        "Loop: /b/ is redirected back to /c/" in loop.context["adminform"].form.errors["target"][0]
    )
    assert "does not compile" in bad_regex.context["adminform"].form.errors["source"][0]
    assert list(RedirectRule.objects.values_list("source", flat=True)) == ["/b/"]


def test_the_admin_form_saves_a_good_rule_and_warns_about_a_live_page(admin_client):
    response = _add(admin_client, source="/stores/", target="/p/about/")

    assert response.status_code == 302
    saved = RedirectRule.objects.get()
    assert (saved.source, saved.target, saved.origin) == ("/stores/", "/p/about/", "manual")
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("rules run on 404s only" in message for message in shown)


# --- The CSV import ---------------------------------------------------------------------


def test_a_csv_with_a_chain_or_a_loop_writes_nothing_and_lists_each_row():
    rule("/b/", "/c/")
    content = (
        b"source,target,status,match,keep_query_string,active\n"
        b"/fine/,/stores/,301,exact,yes,yes\n"
        b"/a/,/b/,301,exact,yes,yes\n"  # a chain through the database
        b"/x/,/y/,301,exact,yes,yes\n"
        b"/y/,/x/,301,exact,yes,yes\n"  # a loop with the row above
        b"/z/,/q/,399,exact,yes,yes\n"
    )

    report = redirects_import(content)

    assert report.written == 0
    assert [line for line, _ in report.errors] == [3, 5, 6]
    assert "one hop only" in report.errors[0][1]
    assert "Loop" in report.errors[1][1]
    assert report.errors[2][1] == "Status must be 301, 302 or 410."
    assert list(RedirectRule.objects.values_list("source", flat=True)) == ["/b/"]


def test_a_clean_csv_writes_every_row_and_updates_a_rule_with_the_same_source():
    rule("/old/", "/stores/")
    content = (
        b"source,target,status,match,keep_query_string,active\n"
        b"/old/,/p/about/,302,exact,no,yes\n"
        b"/old-blog/,/news/,301,prefix,yes,no\n"
        b"^/shop/(\\w+)/$,/store/$1/,301,regex,,\n"
        b"/gone/,,410,,,\n"
    )

    report = redirects_import(content)

    assert (report.written, report.errors) == (4, [])
    rows = {
        r.source: (r.match, r.target, r.status_code, r.keep_query_string, r.is_active, r.origin)
        for r in RedirectRule.objects.all()
    }
    assert rows == {
        "/old/": ("exact", "/p/about/", 302, False, True, "manual"),
        "/old-blog/": ("prefix", "/news/", 301, True, False, "import"),
        r"^/shop/(\w+)/$": ("regex", "/store/$1/", 301, True, True, "import"),
        "/gone/": ("exact", "", 410, True, True, "import"),
    }
