"""The application log never carries a postback's token: the log line Django writes for
every 4xx/5xx answer passes the request along, and its repr is the full URL."""

import logging

import pytest
from django.urls import reverse

from config.logging import JsonFormatter
from offers.tests.factories import NETWORK_TOKEN

from .factories import ClickFactory

pytestmark = pytest.mark.django_db


def test_a_refused_get_postback_leaves_its_token_out_of_the_json_log(client, caplog):
    click = ClickFactory()
    url = reverse("tracking:network-postback", args=[click.merchant.network.slug])

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(url, {"click_id": str(click.click_id), "token": NETWORK_TOKEN})

    assert response.status_code == 400
    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any(url in line for line in lines)
    assert not any(NETWORK_TOKEN in line for line in lines)
