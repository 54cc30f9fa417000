"""A Content editor's regex must not be a denial of service for every 404 of the site:
patterns that can backtrack exponentially are refused when saved and skipped if they
reach the table another way, and no regex runs on an overlong path."""

import pytest
from django.urls import reverse

from cms.models import RedirectRule
from cms.services.redirect_rules import REGEX_MAX_PATH, matcher_build
from cms.services.redirects import RedirectRefused, RuleInput, redirect_validate
from support.tests.factories_tickets import staff_in

from .factories_redirects import rule

pytestmark = pytest.mark.django_db

ADD = reverse("admin:cms_redirectrule_add")


@pytest.mark.parametrize(
    "source",
    [
        r"^/(a+)+$",
        r"^/(a*)*b",
        r"^/((ab)*)+$",
        r"^/(?:(a+)+b)++",
        r"^/(a|ab)*c",
        r"^/x(.*)(.*)(.*)(.*)y",
    ],
)
def test_a_regex_that_can_backtrack_forever_is_refused(source):
    with pytest.raises(RedirectRefused) as refused:
        redirect_validate(RuleInput("regex", source, "/stores/", 301))

    assert refused.value.code == "regex_too_costly"
    assert refused.value.field == "source"


@pytest.mark.parametrize(
    "source",
    [
        r"^/shop/(.*)$",
        r"^/blog/(\d{4})/(\d{2})/([\w-]+)/$",
        r"^/(?P<lang>en|fr)/(?P<rest>.*)$",
        r"^/(?:[ab])+/x/$",
    ],
)
def test_ordinary_regexes_are_still_accepted(source):
    redirect_validate(RuleInput("regex", source, "/stores/", 301))


def test_the_admin_form_refuses_a_catastrophic_regex_and_saves_nothing(client):
    client.force_login(staff_in("Content editor"))

    response = client.post(
        ADD,
        {
            "match": "regex",
            "source": r"^/(a+)+$",
            "target": "/stores/",
            "status_code": 301,
            "keep_query_string": "on",
            "is_active": "on",
            "priority": 100,
            "note": "",
        },
    )

    assert response.status_code == 200
    assert "could take forever on some paths" in response.content.decode()
    assert RedirectRule.objects.count() == 0


def test_a_catastrophic_rule_already_in_the_table_is_skipped_not_run(client):
    # Written around the validator (an old row, a database console).
    RedirectRule.objects.create(match="regex", source=r"^/(a+)+$", target="/stores/")

    assert matcher_build().size == 0
    response = client.get("/" + "a" * 40 + "!")  # 2**40 steps if it were tried

    assert response.status_code == 404


def test_no_regex_is_tried_on_a_path_longer_than_the_cap(client):
    rule(r"^/x/(.*)$", "/stores/", match="regex", keep_query_string=False)
    longest = "/x/" + "a" * (REGEX_MAX_PATH - 3)

    assert client.get(longest).status_code == 301
    assert client.get(longest + "a").status_code == 404
