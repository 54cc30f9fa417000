import pytest
from django.urls import reverse

from accounts.tests.factories import SuperuserFactory
from tracking.models import PostbackLog

pytestmark = pytest.mark.django_db


def test_postback_log_is_append_only_in_admin(client):
    log = PostbackLog.objects.create(
        kind="network", source="demo", method="GET", query={"txn_id": "T1"}, outcome="success"
    )
    client.force_login(SuperuserFactory())

    listing = client.get(reverse("admin:tracking_postbacklog_changelist"))
    add = client.get(reverse("admin:tracking_postbacklog_add"))
    delete = client.post(
        reverse("admin:tracking_postbacklog_delete", args=[log.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200
    assert add.status_code == 403
    assert delete.status_code == 403
    assert PostbackLog.objects.count() == 1
