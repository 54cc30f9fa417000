"""Every record with a status shows, in the admin, how it got there."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import user_set_status
from affiliates.models import Partner
from affiliates.services.partners import partner_decide
from affiliates.tests.factories import PartnerFactory

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(email="root@example.com", password="pw-123456789")
    client.force_login(admin)
    return client, admin


def test_a_suspended_users_page_shows_who_suspended_them_and_why(admin_client):
    client, admin = admin_client
    user = UserFactory(email="shopper@example.com")
    user_set_status(user=user, move="suspend", actor=admin, reason="Chargeback ring")

    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()

    assert "Status history" in page
    assert "Chargeback ring" in page
    assert "root@example.com" in page


def test_a_partners_page_shows_its_approval(admin_client):
    client, admin = admin_client
    partner = PartnerFactory(status=Partner.Status.PENDING, approved_at=None)
    partner_decide(partner=partner, decision="approve", actor=admin, reason="Good site")

    page = client.get(
        reverse("admin:affiliates_partner_change", args=[partner.pk])
    ).content.decode()

    assert "Status history" in page
    assert "Good site" in page
