"""Partner API keys: shown once, stored as a digest, checked, revoked."""

import pytest

from affiliates.models import ApiKey
from affiliates.services.apikeys import (
    ApiKeyRefused,
    api_key_check,
    api_key_create,
    api_key_revoke,
)

from .factories import PartnerFactory, PendingPartnerFactory

pytestmark = pytest.mark.django_db


def test_a_new_key_is_returned_once_and_stored_as_a_digest():
    partner = PartnerFactory()

    key, raw = api_key_create(partner=partner, name="  Shop sync  ")

    prefix, secret = raw.split(".", 1)
    stored = ApiKey.objects.get()
    assert (stored.pk, stored.partner, stored.name, stored.prefix) == (
        key.pk,
        partner,
        "Shop sync",
        prefix,
    )
    assert len(secret) >= 40
    assert secret not in stored.key_hash and raw not in stored.key_hash
    assert (stored.last_used_at, stored.revoked_at, stored.is_active) == (None, None, True)


def test_a_blank_name_gets_a_default():
    key, _raw = api_key_create(partner=PartnerFactory(), name=" ")

    assert key.name == "API key"


def test_each_key_is_different():
    partner = PartnerFactory()

    raws = {api_key_create(partner=partner, name="k")[1] for _ in range(5)}

    assert len(raws) == 5
    assert ApiKey.objects.filter(partner=partner).count() == 5


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_only_approved_partners_get_keys(status):
    partner = PendingPartnerFactory(status=status)

    with pytest.raises(ApiKeyRefused) as refused:
        api_key_create(partner=partner, name="k")

    assert refused.value.code == "partner_not_approved"
    assert ApiKey.objects.count() == 0


def test_checking_a_key_finds_it_and_records_its_use():
    key, raw = api_key_create(partner=PartnerFactory(), name="k")

    found = api_key_check(raw)

    key.refresh_from_db()
    assert found == key
    assert key.last_used_at is not None


@pytest.mark.parametrize("mangle", [lambda r: r + "x", lambda r: r[:-1], lambda r: r.upper()])
def test_a_wrong_secret_with_the_right_prefix_is_not_a_key(mangle):
    key, raw = api_key_create(partner=PartnerFactory(), name="k")

    assert api_key_check(mangle(raw)) is None
    key.refresh_from_db()
    assert key.last_used_at is None


@pytest.mark.parametrize("raw", ["", ".", "nonsense", "deadbeef.x", "a" * 500])
def test_garbage_is_not_a_key(raw):
    api_key_create(partner=PartnerFactory(), name="k")

    assert api_key_check(raw) is None


def test_a_revoked_key_is_not_a_key_and_revoking_twice_does_nothing():
    key, raw = api_key_create(partner=PartnerFactory(), name="k")

    first, second = api_key_revoke(key=key), api_key_revoke(key=key)

    key.refresh_from_db()
    assert (first, second) == (True, False)
    assert key.is_active is False
    assert api_key_check(raw) is None
