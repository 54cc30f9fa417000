import pytest

from ..factories import PartnerFactory
from ..support import key_client


@pytest.fixture
def partner():
    return PartnerFactory()


@pytest.fixture
def api(partner):
    """An API client with a key of `partner`."""
    client, _key = key_client(partner)
    return client
