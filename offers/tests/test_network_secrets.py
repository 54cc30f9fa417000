"""Issue 10, point 3: network credentials belong to offers.manage_network_secrets alone."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory

from .factories import NETWORK_TOKEN, NetworkFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:offers_network_changelist")
SECRETS = ("ip_allowlist", "api_credentials", "hmac_secret", "token_hint", "hmac")


@pytest.fixture
def editor(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(staff)
    return client


@pytest.fixture
def network():
    return NetworkFactory(
        api_credentials='{"key": "top-secret-key"}',
        hmac_secret="hmac-secret-value",
        ip_allowlist="203.0.113.7",
    )


def test_only_the_administrator_role_holds_the_secrets_permission():
    holders = Group.objects.filter(
        permissions=Permission.objects.get(codename="manage_network_secrets")
    )

    assert list(holders.values_list("name", flat=True)) == ["Administrator"]


def test_content_editor_sees_networks_read_only_without_any_secret(editor, network):
    change = editor.get(reverse("admin:offers_network_change", args=[network.pk]))
    changelist = editor.get(CHANGELIST)

    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    for response in (change, changelist):
        body = response.content.decode()
        for secret in ("top-secret-key", "hmac-secret-value", "203.0.113.7", NETWORK_TOKEN[-4:]):
            assert secret not in body
        for name in SECRETS:
            assert f"field-{name}" not in body
            assert f'name="{name}"' not in body
    assert "rotate_token" not in changelist.content.decode()


def test_content_editor_cannot_change_or_add_a_network(editor, network):
    response = editor.post(
        reverse("admin:offers_network_change", args=[network.pk]),
        {"name": "Renamed", "slug": network.slug, "status": "active", "ip_allowlist": ""},
    )
    added = editor.get(reverse("admin:offers_network_add"))

    assert response.status_code == 403
    assert added.status_code == 403
    network.refresh_from_db()
    assert (network.name, network.ip_allowlist) != ("Renamed", "")
    assert network.ip_allowlist == "203.0.113.7"


@pytest.mark.parametrize("action", ["rotate_token", "rotate_hmac_secret"])
def test_a_forged_rotate_post_by_a_content_editor_changes_nothing(editor, network, action):
    response = editor.post(
        CHANGELIST, {"action": action, "_selected_action": [network.pk]}, follow=True
    )

    network.refresh_from_db()
    assert network.token_matches(NETWORK_TOKEN)
    assert network.hmac_secret == "hmac-secret-value"
    assert AuditLog.objects.count() == 0
    assert "new postback token" not in response.content.decode()
    assert "new HMAC secret" not in response.content.decode()


def test_rotate_hmac_secret_shows_the_new_secret_once_to_an_administrator(client, network):
    admin = StaffFactory()
    admin.groups.add(Group.objects.get(name="Administrator"))
    client.force_login(admin)

    response = client.post(
        CHANGELIST, {"action": "rotate_hmac_secret", "_selected_action": [network.pk]}, follow=True
    )

    network.refresh_from_db()
    assert network.hmac_secret != "hmac-secret-value"
    assert f"new HMAC secret {network.hmac_secret} " in response.content.decode()
    assert AuditLog.objects.filter(action="network.rotate_hmac_secret").count() == 1
    change = client.get(reverse("admin:offers_network_change", args=[network.pk]))
    assert network.hmac_secret not in change.content.decode()
    assert 'name="ip_allowlist"' in change.content.decode()


def test_a_change_to_network_credentials_is_audited_with_the_values_masked(client, network):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:offers_network_change", args=[network.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    old_name = network.name
    data.update(
        name="Renamed",
        param_aliases="{}",
        status_map="{}",
        logo="",
        ip_allowlist="198.51.100.9",
        api_credentials='{"key": "new-secret-key"}',
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    network.refresh_from_db()
    assert (network.ip_allowlist, network.api_credentials) == (
        "198.51.100.9",
        '{"key": "new-secret-key"}',
    )
    log = AuditLog.objects.get(action="network.admin_change")
    assert log.metadata["fields"] == {
        "name": {"old": old_name, "new": "Renamed"},
        "ip_allowlist": {"old": "•••", "new": "•••"},
        "api_credentials": {"old": "•••", "new": "•••"},
    }
    for secret in ("new-secret-key", "top-secret-key", "198.51.100.9", "203.0.113.7"):
        assert secret not in str(log.metadata)


def test_leaving_write_only_credentials_blank_logs_no_change_to_them(client, network):
    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:offers_network_change", args=[network.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(name="Renamed", param_aliases="{}", status_map="{}", logo="", api_credentials="")

    client.post(url, data)

    log = AuditLog.objects.get(action="network.admin_change")
    assert set(log.metadata["fields"]) == {"name"}
