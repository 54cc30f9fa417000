"""Issue 11, point 2: the Network admin shows the exact postback URL to paste into the
network, in that network's macro syntax, built from the admin's own address."""

import html

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.factories import StaffFactory

from .factories import NETWORK_TOKEN, NetworkFactory

pytestmark = pytest.mark.django_db

PASTE = {
    "everflow": (
        "Everflow",
        "https://cashback.example.com/postback/everflow-main/?token=<your token>&sub1={sub1}"
        "&conversion_id={conversion_id}&sale_amount={sale_amount}&payout={payout}"
        "&currency={currency}&status={status}",
    ),
    "tune": (
        "TUNE / HasOffers",
        "https://cashback.example.com/postback/tune-main/?token=<your token>"
        "&aff_click_id={aff_click_id}&transaction_id={transaction_id}"
        "&sale_amount={sale_amount}&payout={payout}&currency={currency}&status={status}"
        "&datetime={datetime}",
    ),
    "affise": (
        "Affise",
        "https://cashback.example.com/postback/affise-main/?token=<your token>&sub1={sub1}"
        "&transactionid={transactionid}&order_sum={order_sum}&sum={sum}"
        "&currency={currency}&status={status}&timestamp={timestamp}",
    ),
    "cake": (
        "CAKE",
        "https://cashback.example.com/postback/cake-main/?token=<your token>&s2=#s2#"
        "&leadid=#leadid#&price=#price#&utcunixtime=#utcunixtime#",
    ),
    "pap": (
        "Post Affiliate Pro",
        "https://cashback.example.com/postback/pap-main/?token=<your token>&data1={$data1}"
        "&orderid={$orderid}&totalcost={$totalcost}&commission={$commission}"
        "&status={$status}",
    ),
    "impact": (
        "impact.com",
        "https://cashback.example.com/postback/impact-main/?token=<your token>"
        "&SubId1={SubId1}&ActionId={ActionId}&Amount={Amount}&Payout={Payout}"
        "&Currency={Currency}&ActionStatus={Status}&EventDate={EventDate}",
    ),
    "admitad": (
        "Admitad",
        "https://cashback.example.com/postback/admitad-main/?token=<your token>"
        "&subid=[[[subid]]]&order_id=[[[order_id]]]&order_sum=[[[order_sum]]]"
        "&payment_sum=[[[payment_sum]]]&currency=[[[currency]]]&status=[[[status]]]"
        "&time=[[[time]]]",
    ),
    "awin": (
        "Awin",
        "https://cashback.example.com/postback/awin-main/?token=<your token>"
        "&clickRef=!!!clickRef!!!&transactionId=!!!transactionId!!!"
        "&transactionAmount=!!!transactionAmount!!!&commission=!!!commission!!!"
        "&transactionCurrency=!!!transactionCurrency!!!"
        "&transactionDate=!!!transactionDate!!!",
    ),
}


@pytest.fixture(autouse=True)
def site_address(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "cashback.example.com"]


@pytest.fixture
def administrator(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Administrator"))
    client.force_login(staff)
    return client


def _change_page(client, network):
    return client.get(
        reverse("admin:offers_network_change", args=[network.pk]),
        HTTP_HOST="cashback.example.com",
        secure=True,
    )


@pytest.mark.parametrize("convention", sorted(PASTE))
def test_the_change_page_shows_the_url_to_paste_in_the_networks_own_syntax(
    administrator, convention
):
    label, url = PASTE[convention]
    network = NetworkFactory(slug=f"{convention}-main", convention=convention)

    response = _change_page(administrator, network)

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert f"Postback URL to paste into {label}" in body
    assert f"<code>{url}</code>" in body


def test_the_url_never_shows_the_token_only_a_placeholder(administrator):
    network = NetworkFactory(slug="everflow-main", convention="everflow")

    body = html.unescape(_change_page(administrator, network).content.decode())

    assert NETWORK_TOKEN not in body
    assert "token=<your token>&sub1={sub1}" in body


def test_our_own_names_say_what_to_fill_in(administrator):
    network = NetworkFactory(slug="direct", convention="custom")

    body = html.unescape(_change_page(administrator, network).content.decode())

    assert "Postback URL to paste into your network" in body
    assert (
        "https://cashback.example.com/postback/direct/?token=<your token>"
        "&click_id=<click id>&txn_id=<conversion id>&sale_amount=<sale amount>"
        "&commission=<commission>&currency=<currency>&status=<status>"
        "&sale_date=<sale time>"
    ) in body


def test_a_read_only_editor_sees_the_url_too_without_the_secrets(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(staff)
    network = NetworkFactory(slug="cake-main", convention="cake")

    response = _change_page(client, network)

    body = html.unescape(response.content.decode())
    assert response.context["has_change_permission"] is False
    assert "Postback URL to paste into CAKE" in body
    assert PASTE["cake"][1] in body
    assert NETWORK_TOKEN[-4:] not in body


def test_the_add_page_has_no_url_yet(administrator):
    response = administrator.get(reverse("admin:offers_network_add"))

    assert response.status_code == 200
    assert "Postback URL to paste" not in response.content.decode()
