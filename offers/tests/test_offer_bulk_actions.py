"""The offer bulk actions, run as a content editor would: through the changelist."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory
from offers.models import Offer

from .factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "before", "after", "logged"),
    [
        ("activate", {"status": "draft"}, {"status": "active"}, {"status": "active"}),
        ("deactivate", {"status": "active"}, {"status": "inactive"}, {"status": "inactive"}),
        ("feature", {"is_featured": False}, {"is_featured": True}, {"is_featured": True}),
        ("unfeature", {"is_featured": True}, {"is_featured": False}, {"is_featured": False}),
    ],
)
def test_bulk_action_changes_only_the_selected_offers_and_audits_once(
    client, action, before, after, logged
):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    chosen = [OfferFactory(**before) for _ in range(2)]
    other = OfferFactory(**before)

    response = client.post(
        reverse("admin:offers_offer_changelist"),
        {"action": action, "_selected_action": [o.pk for o in chosen]},
        follow=True,
    )

    assert f"2 offer(s) {action}d." in response.content.decode()
    field, value = next(iter(after.items()))
    assert list(Offer.objects.filter(**{field: value}).order_by("pk")) == chosen
    other.refresh_from_db()
    assert getattr(other, field) == before[field]
    log = AuditLog.objects.get()
    assert (log.actor, log.action) == (editor, f"offer.bulk_{action}")
    assert log.metadata == {"offer_ids": [o.pk for o in chosen], **logged}
