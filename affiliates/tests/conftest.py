import pytest

from .support import running_tracker


@pytest.fixture
def partner_server(settings):
    """A partner's tracker on 127.0.0.1 (see support.running_tracker), for this test."""
    with running_tracker(settings) as tracker:
        yield tracker
