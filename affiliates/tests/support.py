"""Helpers for the partner tests: conversions recorded through the real service, API
clients with a partner's key, and a real HTTP server on 127.0.0.1 for postbacks."""

import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone
from rest_framework.test import APIClient

from affiliates.models import Conversion
from affiliates.services.apikeys import api_key_create
from affiliates.services.conversions import ClickFacts, conversion_record

from .factories import LinkFactory


def record_conversion(
    link=None,
    *,
    goal=None,
    txn_id=None,
    amount="100.00",
    status="pending",
    sub1="",
    sub2="",
    sub3="",
    clicked_ago=timedelta(hours=1),
) -> Conversion:
    """A conversion of a click on `link` an hour ago, through conversion_record."""
    link = link or LinkFactory()
    outcome = conversion_record(
        campaign=link.campaign,
        click=ClickFacts(
            click_uuid=uuid.uuid4(),
            link_id=link.pk,
            partner_id=link.partner_id,
            campaign_id=link.campaign_id,
            sub1=sub1,
            sub2=sub2,
            sub3=sub3,
            ip="203.0.113.9",
            clicked_at=timezone.now() - clicked_ago,
        ),
        goal_code=goal.tracking_code if goal else "",
        txn_id=txn_id or uuid.uuid4().hex[:12],
        amount=Decimal(amount),
        status=status,
        currency="USD",
    )
    assert outcome.created
    return outcome.conversion


def key_client(partner, name="integration") -> tuple[APIClient, object]:
    """An API client sending `Authorization: Api-Key …` for a new key of `partner`."""
    key, raw = api_key_create(partner=partner, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client, key


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class Tracker:
    """What the server received, and how it answers: `respond(request, handler) ->
    (status, headers, body)`, or status None when respond() wrote the answer itself
    through handler.wfile; the default is 200 "ok"."""

    url: str
    requests: list[Received] = field(default_factory=list)
    respond: Callable = lambda request, handler: (200, {}, b"ok")
    # Handlers that wait for the test to finish wait on this (set at teardown).
    released: threading.Event = field(default_factory=threading.Event)


def _handler(server: "Tracker"):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            request = Received(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            server.requests.append(request)
            status, headers, body = server.respond(request, self)
            if status is None:  # the answer is written by respond() itself
                return
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _serve

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def running_tracker(settings):
    """A partner's endpoint on 127.0.0.1, reachable because private targets are allowed
    (for this test: `settings` is pytest-django's fixture)."""
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = True
    state = Tracker(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.released.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
