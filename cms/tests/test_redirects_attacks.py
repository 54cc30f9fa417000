"""A Content editor's regex must not be a denial of service for every 404 of the site:
patterns that can backtrack exponentially are refused when saved and skipped if they
reach the table another way, and no regex runs on an overlong path."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


# --- Absolute targets: our host, or one ops listed in CMS_REDIRECT_ALLOWED_HOSTS ---------


def _target_refusal(target: str) -> str | None:
    try:
        redirect_validate(RuleInput("exact", "/promo/", target, 302))
    except RedirectRefused as refused:
        return refused.code
    return None


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("https://evil.example/login", "target_host_not_allowed"),
        ("https://partner.example.evil.example/", "target_host_not_allowed"),
        ("https://partner.example@evil.example/", "target_host_not_allowed"),
        ("https://evil.example@partner.example/", "target_host_not_allowed"),
        ("https://partner.example/deal?ref=sb", None),
        ("https://shop.partner.example/", "target_host_not_allowed"),
        ("https://shop.trusted.example/x/", None),
        ("https://trusted.example/", None),
        ("http://127.0.0.1:8000/stores/", None),  # SITE_URL's own host
    ],
)
def test_an_absolute_target_must_be_on_our_host_or_an_allowed_one(settings, target, code):
    settings.CMS_REDIRECT_ALLOWED_HOSTS = ["partner.example", ".trusted.example"]

    assert _target_refusal(target) == code


def test_by_default_no_outside_host_is_allowed(settings):
    settings.CMS_REDIRECT_ALLOWED_HOSTS = []

    assert _target_refusal("https://partner.example/") == "target_host_not_allowed"


def test_an_editor_cannot_point_a_rule_at_an_outside_host_by_form_or_csv(client, settings):
    settings.CMS_REDIRECT_ALLOWED_HOSTS = []
    client.force_login(staff_in("Content editor"))
    fields = {
        "match": "exact",
        "source": "/login-help/",
        "target": "https://savebucks-login.evil.example/",
        "status_code": 302,
        "keep_query_string": "on",
        "is_active": "on",
        "priority": 100,
        "note": "",
    }

    form = client.post(ADD, fields)
    upload = SimpleUploadedFile(
        "rules.csv",
        b"source,target,status\n/login-help/,https://savebucks-login.evil.example/,302\n",
        content_type="text/csv",
    )
    imported = client.post(reverse("admin:cms_redirectrule_import"), {"file": upload})

    assert form.status_code == 200
    assert "savebucks-login.evil.example is not one of the hosts" in form.content.decode()
    assert imported.status_code == 200
    assert "Line 2: savebucks-login.evil.example is not one of the hosts" in (
        imported.content.decode()
    )
    assert RedirectRule.objects.count() == 0
    assert client.get("/login-help/").status_code == 404
