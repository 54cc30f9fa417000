"""A deleted partner postback (seed 000 `affiliate_postbacks.is_deleted`): gone for the
partner (portal and API) and for delivery, kept with its delivery log for staff."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog, StatusChange
from accounts.tests.factories import StaffFactory
from affiliates.models import PartnerPostback, PostbackDelivery
from affiliates.outbound import HttpResult
from affiliates.services.deliveries import deliveries_dispatch, postback_delete, postback_save

from .factories import PartnerFactory, PostbackFactory

pytestmark = pytest.mark.django_db

HOOK = "https://93.184.215.14/pb?click={click_id}"


def _pending(postback, **fields):
    return PostbackDelivery.objects.create(
        **{
            "postback": postback,
            "event": "test",
            "url": postback.url,
            "method": "GET",
            "next_attempt_at": timezone.now(),
            **fields,
        }
    )


@pytest.fixture
def deleted():
    """A partner's postback deleted by the partner, with one delivered and one pending row."""
    postback = PostbackFactory(url=HOOK + "&gone=1")
    delivered = _pending(postback, status="delivered", next_attempt_at=None)
    pending = _pending(postback)
    postback_delete(postback=postback, actor=postback.partner.user)
    return postback, delivered, pending


def test_the_partner_portal_no_longer_shows_or_serves_it(client, deleted):
    postback, _delivered, _pending_row = deleted
    PostbackFactory(partner=postback.partner, url=HOOK + "&live=1")
    client.force_login(postback.partner.user)

    listing = client.get(reverse("affiliates:postbacks")).content.decode()
    statuses = [
        client.get(reverse("affiliates:postback", args=[postback.pk])).status_code,
        client.post(reverse("affiliates:postback-test", args=[postback.pk])).status_code,
        client.post(reverse("affiliates:postback-delete", args=[postback.pk])).status_code,
    ]

    assert "live=1" in listing
    assert "gone=1" not in listing
    assert statuses == [404, 404, 404]
    assert PostbackDelivery.objects.filter(postback=postback).count() == 2


def test_deleting_fails_pending_rows_records_who_and_audits_once(deleted):
    postback, delivered, pending = deleted

    postback_delete(postback=postback, actor=postback.partner.user)  # a retried delete

    stored = PartnerPostback.all_objects.get(pk=postback.pk)
    assert stored.deleted_by == postback.partner.user
    assert sorted(PostbackDelivery.objects.values_list("pk", "status", "last_error")) == [
        (delivered.pk, "delivered", ""),
        (pending.pk, "failed", "The postback URL was deleted."),
    ]
    assert list(AuditLog.objects.values_list("action", "entity_id", "actor")) == [
        ("partnerpostback.delete", str(postback.pk), postback.partner.user_id)
    ]


def test_nothing_is_ever_sent_to_a_deleted_url(deleted):
    postback, _delivered, _pending_row = deleted
    # A row that escaped the delete (written by hand, or by a race with an old worker).
    slipped = _pending(PartnerPostback.all_objects.get(pk=postback.pk))
    sent = []

    def sender(method, url, *, body=None, headers=None):
        sent.append(url)
        return HttpResult(status=200, body="ok")

    report = deliveries_dispatch(sender=sender)

    assert (sent, report.delivered, report.failed) == ([], 0, 1)
    slipped.refresh_from_db()
    # Failed as the delete fails pending rows, not left pending for good.
    assert (slipped.status, slipped.attempts, slipped.last_error) == (
        "failed",
        0,
        "The postback URL was deleted.",
    )
    assert slipped.next_attempt_at is None
    history = StatusChange.objects.filter(
        content_type__model="postbackdelivery", object_id=slipped.pk
    )
    assert list(history.values_list("from_status", "to_status")) == [("pending", "failed")]


def test_deleted_urls_do_not_count_towards_the_limit(deleted):
    postback, _delivered, _pending_row = deleted
    partner = postback.partner
    for i in range(PartnerPostback.MAX_PER_PARTNER):
        postback_save(partner=partner, url=f"https://93.184.215.14/pb{i}")

    assert PartnerPostback.objects.filter(partner=partner).count() == 5
    assert PartnerPostback.all_objects.filter(partner=partner).count() == 6


@pytest.fixture
def staff(client):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="Affiliate manager"))
    client.force_login(user)
    return client


def test_staff_see_deleted_postbacks_with_a_filter_and_their_deliveries(staff, deleted):
    postback, delivered, pending = deleted
    live = PostbackFactory(partner=PartnerFactory(), url=HOOK + "&live=1")
    changelist = reverse("admin:affiliates_partnerpostback_changelist")

    def listed(query):
        return list(staff.get(changelist, query).context["cl"].result_list)

    page = staff.get(reverse("admin:affiliates_partnerpostback_change", args=[postback.pk]))
    deliveries = staff.get(
        reverse("admin:affiliates_postbackdelivery_changelist"),
        {"postback_deleted": "yes"},
    )

    assert sorted(listed({}), key=lambda p: p.pk) == [postback, live]
    assert listed({"deleted": "yes"}) == [postback]
    assert listed({"deleted": "no"}) == [live]
    assert page.status_code == 200
    assert "Deleted by" in page.content.decode()
    assert sorted(deliveries.context["cl"].result_list, key=lambda d: d.pk) == [delivered, pending]
    assert "By postback deleted by the partner" in deliveries.content.decode()
    live_deliveries = staff.get(
        reverse("admin:affiliates_postbackdelivery_changelist"), {"postback_deleted": "no"}
    )
    assert list(live_deliveries.context["cl"].result_list) == []


def test_a_delivery_of_a_deleted_postback_opens_in_the_admin(staff, deleted):
    _postback, delivered, _pending_row = deleted

    response = staff.get(reverse("admin:affiliates_postbackdelivery_change", args=[delivered.pk]))

    assert response.status_code == 200


def test_staff_cannot_delete_or_restore_postbacks_in_the_admin(staff, deleted):
    postback, _delivered, _pending_row = deleted

    response = staff.post(
        reverse("admin:affiliates_partnerpostback_delete", args=[postback.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert PartnerPostback.all_objects.filter(pk=postback.pk).count() == 1
