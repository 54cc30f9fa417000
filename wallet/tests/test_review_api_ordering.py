"""Review: lists paged by page number need a total order, or a row on a page boundary can
show twice or never. Sale dates tie often (a network that reports only the day puts every
sale of it at midnight; Unix seconds tie within a second), so every ordering a client may
ask for ends with the id, as the default ordering does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from affiliates.tests.factories import LinkFactory
from affiliates.tests.support import record_conversion
from campaigns.tests.factories import GoalFactory

from .factories import recorded_event

pytestmark = pytest.mark.django_db


def _ordered_by(api, url, ordering, table) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, {"ordering": ordering, "page_size": 2})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    (listing,) = [
        q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and "ORDER BY" in q["sql"]
    ]
    return listing.rsplit("ORDER BY", 1)[1].split("LIMIT")[0].strip()


@pytest.mark.parametrize("ordering", ["sale_at", "-sale_at", "cashback_amount", "created_at"])
def test_every_cashback_ordering_ends_with_the_id(ordering):
    me = UserFactory()
    recorded_event(me)
    api = APIClient()
    api.force_authenticate(me)

    order = _ordered_by(api, reverse("api-me-cashback"), ordering, "wallet_cashbackevent")

    assert order.endswith(('."id" ASC', '."id" DESC')), order


@pytest.mark.parametrize("ordering", ["converted_at", "-converted_at", "commission"])
def test_every_partner_conversion_ordering_ends_with_the_id(client, ordering):
    link = LinkFactory()
    GoalFactory(campaign=link.campaign)
    conversion = record_conversion(link)
    client.force_login(conversion.partner.user)

    order = _ordered_by(
        client, reverse("api-partner-conversions"), ordering, "affiliates_conversion"
    )

    assert order.endswith(('."id" ASC', '."id" DESC')), order
