"""A row deleted in another process stays in this one's row cache until its next look
at the shared version (up to a second). A click-out in that second must answer as for a
missing offer (404), not fail on the click's foreign key (500)."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from offers.models import Offer
from offers.tests.factories import OfferFactory
from tracking.models import Click

pytestmark = pytest.mark.django_db(transaction=True)


def _deleted_elsewhere(offer) -> None:
    """Staff deleting the offer in the admin of another process: what Django's delete
    does (the clicks' offer set to NULL), none of which this process hears of but through
    the shared version, which it reads at most once a second."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Click._meta.db_table} SET offer_id = NULL WHERE offer_id = %s",  # noqa: S608
            [offer.pk],
        )
        cursor.execute(f"DELETE FROM {Offer._meta.db_table} WHERE id = %s", [offer.pk])  # noqa: S608


def test_out_for_an_offer_deleted_elsewhere_within_the_second_is_a_404(client):
    offer = OfferFactory()
    client.force_login(UserFactory())
    url = reverse("tracking:out-offer", args=[offer.pk])
    assert client.get(url).status_code == 302  # the offer's row is cached now
    _deleted_elsewhere(offer)

    response = client.get(url)

    assert response.status_code == 404
    assert Click.objects.count() == 1  # the first click-out's only
