"""Review: the report API's access token is write-only in the Network admin, so it must
not be readable by pointing the sync somewhere else. Changing where the token is sent
(the endpoint, or the adapter whose documented endpoint a blank one means) takes the
token again; and an endpoint must be https, since the token travels in its headers."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory
from offers.models import Network

from .factories import NetworkFactory

pytestmark = pytest.mark.django_db

TOKEN = "stored-report-token-1c9e"
AWIN = "https://api.awin.com"


@pytest.fixture
def admin_client(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Administrator"))
    client.force_login(staff)
    return client


def _post(client, network, **changes):
    url = reverse("admin:offers_network_change", args=[network.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update({"param_aliases": "{}", "status_map": "{}", "logo": "", "api_credentials": ""})
    data.update(changes)
    return client.post(url, data)


def _network():
    return NetworkFactory(
        report_adapter="awin", report_account_id="45628", api_endpoint=AWIN, api_credentials=TOKEN
    )


def _errors(response):
    return response.context["adminform"].form.errors if response.context else {}


@pytest.mark.parametrize(
    "changes",
    [
        {"api_endpoint": "https://collector.attacker.example"},
        {"api_endpoint": ""},  # the adapter's documented one: still another place
        {"report_adapter": "cj"},
    ],
    ids=["other-endpoint", "blank-endpoint", "other-adapter"],
)
def test_the_stored_token_is_not_sent_somewhere_new_without_being_entered_again(
    admin_client, changes
):
    network = _network()
    audits = AuditLog.objects.count()

    response = _post(admin_client, network, **changes)

    assert response.status_code == 200
    assert "api_credentials" in _errors(response)
    network.refresh_from_db()
    assert (network.report_adapter, network.api_endpoint, network.api_credentials) == (
        "awin",
        AWIN,
        TOKEN,
    )
    assert AuditLog.objects.count() == audits


def test_a_new_endpoint_with_the_token_entered_again_is_saved(admin_client):
    network = _network()

    response = _post(
        admin_client, network, api_endpoint="https://api-eu.awin.com", api_credentials="new-tok"
    )

    assert response.status_code == 302, _errors(response)
    network.refresh_from_db()
    assert (network.api_endpoint, network.api_credentials) == ("https://api-eu.awin.com", "new-tok")


def test_other_changes_keep_the_stored_token(admin_client):
    network = _network()

    response = _post(admin_client, network, report_account_id="99999")

    assert response.status_code == 302, _errors(response)
    network.refresh_from_db()
    assert (network.report_account_id, network.api_credentials) == ("99999", TOKEN)


def test_a_plain_http_endpoint_is_refused(admin_client):
    network = _network()

    response = _post(
        admin_client, network, api_endpoint="http://api.awin.com", api_credentials=TOKEN
    )

    assert response.status_code == 200
    assert "api_endpoint" in _errors(response)
    assert Network.objects.get(pk=network.pk).api_endpoint == AWIN
