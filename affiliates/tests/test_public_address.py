"""Which addresses a partner's postback may reach: public ones only, however written."""

import pytest

from affiliates import outbound
from affiliates.services.deliveries import PostbackRefused, postback_save

from .factories import PartnerFactory

PUBLIC = [
    "8.8.8.8",
    "93.184.215.14",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",  # IPv4-mapped
    "::ffff:0:8.8.8.8",  # IPv4-translated
    "64:ff9b::8.8.8.8",  # NAT64, well-known prefix
    "2002:808:808::1",  # 6to4 of 8.8.8.8
    "2001:0:808:808::fefe:fefe",  # Teredo: server 8.8.8.8, client 1.1.1.1
    "2606:4700:4700::1111%eth0",
]

NOT_PUBLIC = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one we bind to)
    "224.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "ff0e::1",
    "2001:db8::1",
    # site-local (deprecated): refused whatever follows
    "fec0::1",
    "feff::1",
    # IPv4-compatible (deprecated): refused even around a public address
    "::127.0.0.1",
    "::10.0.0.1",
    "::169.254.169.254",
    "::8.8.8.8",
    # local-use NAT64: refused even around a public address
    "64:ff9b:1::127.0.0.1",
    "64:ff9b:1::a00:1",
    "64:ff9b:1:7f00:1::",
    "64:ff9b:1::8.8.8.8",
    # IPv4-mapped
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:100.64.0.1",
    "::ffff:0.0.0.0",
    "::ffff:224.0.0.1",
    # IPv4-translated
    "::ffff:0:127.0.0.1",
    "::ffff:0:10.0.0.1",
    "::ffff:0:169.254.169.254",
    "::ffff:0:192.168.0.1",
    # NAT64, well-known prefix
    "64:ff9b::127.0.0.1",
    "64:ff9b::10.0.0.1",
    "64:ff9b::169.254.169.254",
    "64:ff9b::100.64.0.1",
    # 6to4
    "2002:7f00:1::1",
    "2002:a00:1::1",
    "2002:a9fe:a9fe::1",
    "2002:c0a8:101::1",
    "2002::1",
    # Teredo: the RFC 4380 example (client 192.0.2.45), a private client, a loopback server
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:0:808:808::f5ff:fffe",
    "2001:0:7f00:1::fefe:fefe",
]


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_allowed(address):
    assert outbound.is_public(address) is True


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_an_address_that_is_or_leads_inside_is_refused(address):
    assert outbound.is_public(address) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host", ["[::127.0.0.1]", "[64:ff9b:1::a9fe:a9fe]", "[::ffff:0:a00:1]", "[fec0::1]"]
)
def test_a_partner_cannot_save_a_postback_to_an_ipv6_form_of_an_inside_address(settings, host):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False
    partner = PartnerFactory()

    with pytest.raises(PostbackRefused) as refused:
        postback_save(partner=partner, url=f"http://{host}/pb?c={{click_id}}")

    assert refused.value.code == "invalid_url"
    assert "not a public address" in refused.value.detail
    assert partner.postbacks.count() == 0
