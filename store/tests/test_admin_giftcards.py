"""SaveBucks gift cards through the admin: the last four, never the code; Finance
disables with a reason on an intermediate page (audited); nobody deletes a card."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from store.models import GiftCard

from .factories import funded_shopper
from .factories_ops import bought_gift_card, login

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:store_giftcard_changelist"


@pytest.fixture
def card(django_capture_on_commit_callbacks):
    return bought_gift_card(
        funded_shopper("50.00", email="buyer@example.com"),
        django_capture_on_commit_callbacks,
        recipient_email="friend@example.com",
    )


def _disable(client, card, **extra):
    return client.post(
        reverse(CHANGELIST), {"action": "disable", "_selected_action": [card.pk], **extra}
    )


@pytest.mark.parametrize("role", ["Support agent", "Finance", "superuser"])
def test_staff_see_last4_values_status_buyer_and_recipient_never_the_code(client, card, role):
    login(client, role)
    listed = client.get(reverse(CHANGELIST))
    page = client.get(reverse("admin:store_giftcard_change", args=[card.pk]))
    by_last4 = client.get(reverse(CHANGELIST), {"q": card.last4.lower()})

    for response in (listed, page):
        body = response.content.decode()
        assert response.status_code == 200
        assert f"••••{card.last4}" in body
        assert "buyer@example.com" in body and "friend@example.com" in body
        assert "25.00" in body
        assert card.code not in body and card.code.replace("-", "") not in body
        assert card.digest not in body
    assert by_last4.context["cl"].result_count == 1


def test_finance_disables_with_a_reason_given_on_the_next_page(client, card):
    finance = login(client, "Finance")

    asked = _disable(client, card)
    assert asked.status_code == 200
    assert "Disable gift cards" in asked.content.decode()
    card.refresh_from_db()
    assert card.status == "active"

    without_reason = _disable(client, card, apply="1", reason="")
    assert without_reason.status_code == 200  # the page again, with the error
    card.refresh_from_db()
    assert card.status == "active"

    done = _disable(client, card, apply="1", reason="Reported stolen")
    assert done.status_code == 302
    card.refresh_from_db()
    assert (card.status, card.disabled_reason) == ("disabled", "Reported stolen")
    [entry] = AuditLog.objects.filter(action="store.gift_card_disable")
    assert (entry.actor, entry.entity_id) == (finance, str(card.pk))
    assert entry.metadata == {"last4": card.last4, "reason": "Reported stolen"}
    assert card.code not in str(entry.metadata)


@pytest.mark.parametrize("role", ["Support agent", "Content editor"])
def test_other_roles_cannot_disable(client, card, role):
    login(client, role)
    response = _disable(client, card, apply="1", reason="forged")
    assert response.status_code in (200, 403)  # the action is not offered: ignored
    card.refresh_from_db()
    assert card.status == "active"
    assert AuditLog.objects.filter(action="store.gift_card_disable").count() == 0


def test_nobody_deletes_or_changes_a_card_not_even_a_superuser(client, card):
    login(client, "superuser")
    assert client.get(reverse("admin:store_giftcard_delete", args=[card.pk])).status_code == 403
    client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [card.pk], "post": "yes"},
    )
    changed = client.post(
        reverse("admin:store_giftcard_change", args=[card.pk]), {"remaining_value": "999.00"}
    )
    assert changed.status_code == 403
    assert client.get(reverse("admin:store_giftcard_add")).status_code == 403
    card.refresh_from_db()
    assert (card.status, str(card.remaining_value)) == ("active", "25.00")
    assert GiftCard.objects.count() == 1
