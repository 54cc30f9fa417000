"""Ticket text never reaches the audit log, which staff without the support permission
(Finance) read: an internal note written in the admin stays with support staff."""

import json

import pytest
from django.urls import reverse

from accounts.models import AuditLog

from .factories_tickets import open_ticket, staff_in, support_agent
from .test_tickets_admin import _form, change_url

pytestmark = pytest.mark.django_db

NOTE = "Suspect fraud: same card as user 77"


def test_an_admin_note_and_reply_are_audited_without_their_text(client):
    agent = support_agent()
    ticket = open_ticket()
    client.force_login(agent)

    client.post(change_url(ticket), _form(ticket, reply=NOTE, internal="on"))
    client.post(change_url(ticket), _form(ticket, reply="Private reply text"))

    logged = json.dumps(list(AuditLog.objects.values_list("metadata", flat=True)))
    assert NOTE not in logged
    assert "Private reply text" not in logged
    assert ticket.messages.filter(is_internal=True).get().body == NOTE
    assert AuditLog.objects.filter(action="ticket.note", actor=agent).count() == 1
    assert AuditLog.objects.filter(action="ticket.reply", actor=agent).count() == 1

    finance = staff_in("Finance")
    client.force_login(finance)
    pages = [client.get(reverse("admin:accounts_auditlog_changelist"))]
    pages += [
        client.get(reverse("admin:accounts_auditlog_change", args=[pk]))
        for pk in AuditLog.objects.values_list("pk", flat=True)
    ]
    assert [page.status_code for page in pages] == [200] * len(pages)
    assert all(NOTE not in page.content.decode() for page in pages)
