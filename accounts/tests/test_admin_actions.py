"""apply_each: what staff are told after an admin action over several rows."""

from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from accounts.admin_base import apply_each
from config.errors import Refusal


def _run(rows, apply):
    request = RequestFactory().post("/admin/")
    request.session = {}
    request._messages = FallbackStorage(request)
    apply_each(
        admin.ModelAdmin(admin.models.LogEntry, admin.site), request, rows, apply, "approved"
    )
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_done_and_skipped_rows_are_counted():
    assert _run([1, 2, 3], lambda row: row != 2) == [
        ("success", "2 approved."),
        ("warning", "1 skipped: their status does not allow it."),
    ]


def test_a_refusal_stops_the_run_and_says_how_many_were_done_before_it():
    def apply(row):
        if row == 3:
            raise Refusal("not_allowed", "Row 3 may not be approved.")
        return True

    assert _run([1, 2, 3, 4], apply) == [
        ("success", "2 approved before this:"),
        ("error", "Row 3 may not be approved."),
    ]


def test_a_refusal_on_the_first_row_is_only_the_refusal():
    def apply(row):
        raise Refusal("reason_required", "Say why.")

    assert _run([1, 2], apply) == [("error", "Say why.")]
