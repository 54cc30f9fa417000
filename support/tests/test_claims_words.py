"""What a shopper reads when the claim form refuses an amount: plain words under the
field, never the API's field name; the API keeps the field in its own key."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory

from .factories_claims import click_days_ago, counts, file_claim

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12,50", "'12,50' is not a number written in ASCII digits"),
        ("0", "The amount must be more than zero."),
        ("9" * 15, "The amount is above the largest we accept"),
        ("12.345", "Write the amount with at most two decimals."),
    ],
)
def test_a_refused_amount_on_the_claim_form_is_in_plain_words_and_nothing_is_filed(amount, words):
    user = UserFactory()
    click = click_days_ago(user, 10)
    before = counts()

    page = _client(user).post(
        f"{reverse('support:claim-new')}?click={click.click_id}",
        {
            "click": str(click.click_id),
            "order_id": "web-9",
            "order_date": (timezone.localdate() - timedelta(days=9)).isoformat(),
            "order_amount": amount,
        },
    )

    assert page.status_code == 200
    errors = page.context["form"].errors
    assert list(errors) == ["order_amount"]
    assert errors["order_amount"][0].startswith(words)
    assert "order_amount" not in errors["order_amount"][0]
    assert counts() == before


def test_the_api_still_names_the_field_of_a_refused_amount():
    user = UserFactory()
    click = click_days_ago(user, 10)
    before = counts()

    response = _client(user).post(
        "/api/v1/me/claims/",
        {
            "click_id": str(click.click_id),
            "order_id": "web-9",
            "order_date": (timezone.localdate() - timedelta(days=9)).isoformat(),
            "order_amount": "0",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_amount"
    assert counts() == before
    assert body.get("field", "order_amount") == "order_amount"


def test_the_admin_names_a_claim_by_its_order_not_by_a_bare_store_id(client):
    """The change page's title and breadcrumb read "Claim 7: order ORD-1", not
    "Claim 7: 3 order ORD-1" (the store's database id, meaningless to an agent)."""
    claim = file_claim(UserFactory(), order_id="ord-1")
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(agent)

    page = client.get(reverse("admin:support_missingcashbackclaim_change", args=[claim.pk]))

    assert page.status_code == 200
    assert str(claim) == f"Claim {claim.pk}: order ORD-1"
    assert f"<title>Claim {claim.pk}: order ORD-1 |" in page.content.decode()
