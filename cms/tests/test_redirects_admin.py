"""The redirect admin as staff use it: the rule list, CSV import and export, the 404 log
and its "Create redirect" action; a Content editor may, a Support agent may not."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditLog
from cms.models import NotFoundEntry, RedirectRule
from cms.services.not_found import not_found_record
from support.tests.factories_tickets import staff_in, support_agent

from .factories_redirects import rule

pytestmark = pytest.mark.django_db

RULES = reverse("admin:cms_redirectrule_changelist")
ADD = reverse("admin:cms_redirectrule_add")
IMPORT = reverse("admin:cms_redirectrule_import")
LOG = reverse("admin:cms_notfoundentry_changelist")


@pytest.fixture
def editor(client):
    client.force_login(staff_in("Content editor"))
    return client


def _upload(text: str):
    return {"file": SimpleUploadedFile("rules.csv", text.encode(), content_type="text/csv")}


def _messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_the_rule_list_shows_hits_and_links_the_import(editor):
    saved = rule("/old-stores/", "/stores/")
    RedirectRule.objects.filter(pk=saved.pk).update(hits=7)

    response = editor.get(RULES)

    assert response.status_code == 200
    page = response.content.decode()
    assert IMPORT in page
    assert [(r.source, r.hits) for r in response.context["cl"].result_list] == [("/old-stores/", 7)]


def test_an_editor_imports_a_clean_csv(editor):
    response = editor.post(
        IMPORT, _upload("source,target,status\n/a/,/stores/,301\n/b/,/p/about/,302\n")
    )

    assert response.status_code == 302
    assert sorted(RedirectRule.objects.values_list("source", "target", "status_code")) == [
        ("/a/", "/stores/", 301),
        ("/b/", "/p/about/", 302),
    ]
    assert list(AuditLog.objects.values_list("action", "metadata")) == [
        ("redirectrule.admin_import", {"rows": 2})
    ]


def test_a_csv_with_a_bad_row_imports_nothing_and_lists_the_row(editor):
    response = editor.post(
        IMPORT, _upload("source,target,status\n/a/,/stores/,301\n/b/,//evil.example/,301\n")
    )

    assert response.status_code == 200
    assert _messages(response) == [
        "Nothing imported: 1 row(s) refused.",
        'Line 3: The target must be a path starting with one "/" or an http(s) URL.',
    ]
    assert RedirectRule.objects.count() == 0


def test_a_file_without_the_columns_is_a_form_error(editor):
    response = editor.post(IMPORT, _upload("from,to\n/a/,/b/\n"))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The header row lacks: source, status, target."
    ]


def test_the_export_action_writes_safe_cells_that_import_back(editor):
    rule("/old-stores/", "/stores/", keep_query_string=False)
    rule(r"^/shop/(\w+)/$", "/store/$1/", match="regex")

    response = editor.post(
        RULES,
        {
            "action": "export_csv",
            "_selected_action": list(RedirectRule.objects.values_list("pk", flat=True)),
        },
    )

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["source", "target", "status", "match", "keep_query_string", "active"],
        ["/old-stores/", "/stores/", "301", "exact", "no", "yes"],
        [r"^/shop/(\w+)/$", "/store/$1/", "301", "regex", "yes", "yes"],
    ]
    RedirectRule.objects.all().delete()
    assert editor.post(IMPORT, _upload(response.content.decode())).status_code == 302
    assert RedirectRule.objects.count() == 2


def test_the_404_log_lists_by_hits_and_filters_the_open_paths(editor):
    for _ in range(3):
        not_found_record("/popular/", "https://ref.example/")
    not_found_record("/rare/")
    covered = rule("/covered/", "/stores/")
    not_found_record("/covered-later/")
    rule("/covered-later/", "/stores/")  # a rule made later links the entry

    everything = editor.get(LOG)
    still_open = editor.get(LOG, {"open": "yes"})

    listed = [(e.path, e.hits) for e in everything.context["cl"].result_list]
    assert listed[0] == ("/popular/", 3)
    assert sorted(listed[1:]) == [("/covered-later/", 1), ("/rare/", 1)]
    assert "https://ref.example/" in everything.content.decode()
    assert sorted(e.path for e in still_open.context["cl"].result_list) == ["/popular/", "/rare/"]
    assert NotFoundEntry.objects.get(path="/covered-later/").redirect.source == "/covered-later/"
    assert covered.hits == 0


def test_create_redirect_for_one_path_opens_the_rule_form_prefilled(editor):
    not_found_record("/old-promo/")
    entry = NotFoundEntry.objects.get()

    response = editor.post(LOG, {"action": "create_redirect", "_selected_action": [entry.pk]})

    assert response.status_code == 302
    assert response["Location"] == f"{ADD}?source=%2Fold-promo%2F"
    form = editor.get(response["Location"]).context["adminform"].form
    assert form.initial["source"] == "/old-promo/"


def test_create_redirect_for_several_paths_to_a_typed_target(editor):
    for path in ("/a/", "/b/", "/stores/x/"):
        not_found_record(path)
    rule("/c/", "/d/")
    not_found_record("/d/")  # /c/ → /d/ already leads here: a rule from /d/ is a chain
    picked = list(NotFoundEntry.objects.values_list("pk", flat=True))

    to_a_redirected_path = editor.post(
        LOG,
        {"action": "create_redirect", "_selected_action": picked, "target": "/c/"},
        follow=True,
    )

    refusals = sorted(_messages(to_a_redirected_path))
    assert (
        refusals[0] == "/a/: /c/ is itself redirected to /d/ (rule /c/). "
        "Point this rule at the final target: one hop only."
    )
    assert refusals[2] == "/d/: Loop: /c/ is redirected back to /d/ by the rule /c/ → /d/."
    assert len(refusals) == 4
    assert RedirectRule.objects.filter(origin="not_found_log").count() == 0
    response = editor.post(
        LOG,
        {"action": "create_redirect", "_selected_action": picked, "target": "/stores/"},
        follow=True,
    )
    assert sorted(
        RedirectRule.objects.filter(origin="not_found_log").values_list("source", "target")
    ) == [("/a/", "/stores/"), ("/b/", "/stores/"), ("/stores/x/", "/stores/")]
    assert _messages(response) == [
        "/d/: The rule /c/ → /d/ already leads here; it would become a chain of two hops. "
        "Point it at the final target first.",
        "3 redirect(s) created.",
    ]
    assert list(NotFoundEntry.objects.filter(redirect=None).values_list("path", flat=True)) == [
        "/d/"
    ]
    assert AuditLog.objects.filter(action="redirectrule.admin_from_404_log").count() == 3


def test_a_support_agent_can_neither_see_nor_change_rules_nor_import(client):
    client.force_login(support_agent())
    not_found_record("/x/")

    assert client.get(RULES).status_code == 403
    assert client.get(LOG).status_code == 403
    assert (
        client.post(
            ADD,
            {
                "match": "exact",
                "source": "/a/",
                "target": "/b/",
                "status_code": 301,
                "priority": 100,
            },
        ).status_code
        == 403
    )
    assert client.post(IMPORT, _upload("source,target,status\n/a/,/b/,301\n")).status_code == 403
    assert (
        client.post(
            LOG,
            {
                "action": "create_redirect",
                "_selected_action": [NotFoundEntry.objects.get().pk],
                "target": "/stores/",
            },
        ).status_code
        == 403
    )
    assert RedirectRule.objects.count() == 0
