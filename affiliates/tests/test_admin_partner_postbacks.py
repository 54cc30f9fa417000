"""Partners' postback URLs carry their own tracker credentials: staff see them masked and
never change them (the partner does, through the portal or the API)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from affiliates.models import PartnerPostback, PostbackDelivery
from config.fields import masked_url

from .factories import PostbackFactory

pytestmark = pytest.mark.django_db

SECRET_URL = "https://tracker.example.net/pb?key=tr4cker-s3cret&click={click_id}&amt={payout}"


def _staff(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)


def test_a_masked_url_hides_values_but_keeps_names_and_macros():
    assert masked_url(SECRET_URL) == (
        "https://tracker.example.net/pb?key=•••&click={click_id}&amt={payout}"
    )


@pytest.mark.parametrize("role", ["Finance", "Affiliate manager"])
def test_staff_read_postbacks_and_deliveries_without_the_partners_secret(client, role):
    postback = PostbackFactory(url=SECRET_URL)
    delivery = PostbackDelivery.objects.create(
        postback=postback,
        event="test",
        url=SECRET_URL.replace("{click_id}", "c1"),
        method="POST",
        body='{"key": "tr4cker-s3cret"}',
    )
    _staff(client, role)

    pages = [
        client.get(reverse("admin:affiliates_partnerpostback_changelist")),
        client.get(reverse("admin:affiliates_partnerpostback_change", args=[postback.pk])),
        client.get(reverse("admin:affiliates_postbackdelivery_changelist")),
        client.get(reverse("admin:affiliates_postbackdelivery_change", args=[delivery.pk])),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert not any("tr4cker-s3cret" in page.content.decode() for page in pages)


def test_an_affiliate_manager_cannot_repoint_a_partners_postback(client):
    postback = PostbackFactory(url=SECRET_URL)
    _staff(client, "Affiliate manager")

    response = client.post(
        reverse("admin:affiliates_partnerpostback_change", args=[postback.pk]),
        {"partner": postback.partner_id, "url": "https://evil.example/steal", "method": "GET"},
    )

    assert response.status_code == 403
    assert PartnerPostback.objects.get(pk=postback.pk).url == SECRET_URL
