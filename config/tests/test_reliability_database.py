"""Postbacks while PostgreSQL is really unreachable.

The test's database connection goes through a small TCP proxy in front of PostgreSQL.
Switching the proxy off closes every connection through it and refuses new ones, as a
PostgreSQL restart or a lost network does. Two moments:

- "down": PostgreSQL is gone before the postback arrives;
- "mid-write": it goes away half-way through the postback's transaction, just as the
  last row is sent, so PostgreSQL itself has to roll back what the transaction wrote.

Either way the sender gets a 503 with a JSON code, nothing is half-written, and once
PostgreSQL is back the same postback succeeds, exactly once.
"""

import contextlib
import logging
import socket
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from affiliates.models import Conversion, Link
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from offers.tests.factories import NETWORK_TOKEN
from tracking.models import PostbackLog
from tracking.tests.factories import AffiliateClickFactory, ClickFactory
from wallet.models import CashbackEvent, Entry, Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

D = Decimal
CAMPAIGN_TOKEN = "campaign-token-unreachable"
UNAVAILABLE = {"status": "error", "code": "database_unavailable", "detail": "Try again shortly."}


class PostgresProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL until switched off."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.cut_when_sent: bytes | None = None
        self.sent = bytearray()  # what clients sent through it, for the test to look at
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.port = 0
        self.switch_on()

    def switch_on(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def switch_off(self):
        """Refuse new connections and cut the open ones."""
        with self.lock:
            listener, self.listener = self.listener, None
            if listener is not None:
                listener.close()
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener):
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # switched off
            client.settimeout(None)
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets |= {client, server}
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source, target, from_client):
        try:
            while data := source.recv(65536):
                if from_client and self.cut_when_sent and self.cut_when_sent in data:
                    # PostgreSQL never sees this statement; it sees its client vanish
                    # with a transaction open.
                    self.cut_when_sent = None
                    self.switch_off()
                    return
                if from_client:
                    self.sent += data
                target.sendall(data)
        except OSError:
            return


@pytest.fixture
def proxy(transactional_db):
    """The test's database connection, through a proxy that the test can switch off."""
    db = connection.settings_dict
    saved = (db["HOST"], db["PORT"])
    found = PostgresProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    connection.close()
    db["HOST"], db["PORT"] = "127.0.0.1", found.port
    yield found
    connection.close()
    db["HOST"], db["PORT"] = saved
    found.switch_off()


def _get(url, params):
    """A request as the WSGI handler serves it: it closes a broken database connection
    at the start and end of each request (the test client leaves that out)."""
    close_old_connections()
    response = Client().get(url, params)
    close_old_connections()
    return response


def _break(proxy, moment: str, last_statement: bytes):
    if moment == "down":
        proxy.switch_off()
    else:
        proxy.cut_when_sent = last_statement
    proxy.sent.clear()


def _was_sent(proxy, *statements: bytes) -> list[bool]:
    return [statement in proxy.sent for statement in statements]


def _refused(response, caplog, kind):
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    # With the database gone, the postback log is written to the application log instead.
    assert f"could not log a {kind} postback" in caplog.text


@pytest.mark.parametrize("moment", ["down", "mid-write"])
def test_network_postback_while_postgresql_is_unreachable(proxy, moment, caplog):
    click = ClickFactory()
    url = f"/postback/{click.merchant.network.slug}/"
    params = {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "txn_id": "T-unreachable",
        "sale_amount": "120.00",
        "commission": "9.00",
    }
    # The ledger writes its entries last: cut there, after the event, the transaction and
    # the balances were written.
    _break(proxy, moment, last_statement=b'INSERT INTO "wallet_entry"')

    with caplog.at_level(logging.ERROR, logger="tracking.views"):
        refused = _get(url, params)

    _refused(refused, caplog, "network")
    written = (b'INSERT INTO "wallet_cashbackevent"', b"INSERT INTO wallet_transaction")
    assert _was_sent(proxy, *written) == [moment == "mid-write"] * 2
    proxy.switch_on()
    assert (CashbackEvent.objects.count(), Transaction.objects.count(), Entry.objects.count()) == (
        0,
        0,
        0,
    )
    assert balances(click.user) == {"available": D("0.00"), "pending": D("0.00"), "hold": D("0")}
    assert PostbackLog.objects.count() == 0

    retried = _get(url, params)
    again = _get(url, params)

    assert (retried.status_code, retried.json()["duplicate"]) == (200, False)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    event = CashbackEvent.objects.get()
    assert (event.external_txn_id, event.cashback_amount, event.status) == (
        "T-unreachable",
        D("9.00"),  # 10% of the sale is 12.00; the platform never pays more than it earns
        "pending",
    )
    assert list(Transaction.objects.values_list("kind", flat=True)) == ["cashback.pending"]
    assert balances(click.user) == {"available": D("0.00"), "pending": D("9.00"), "hold": D("0")}
    assert sorted(PostbackLog.objects.values_list("outcome", flat=True)) == [
        "duplicate",
        "success",
    ]
    assert wallet_audit() == []


@pytest.mark.parametrize("moment", ["down", "mid-write"])
def test_conversion_postback_while_postgresql_is_unreachable(proxy, moment, caplog):
    campaign = CampaignFactory(token=CAMPAIGN_TOKEN)
    GoalFactory(campaign=campaign, tracking_code="SALE000001")  # a fixed 10.00
    link = LinkFactory(campaign=campaign)
    click = AffiliateClickFactory(link=link)
    params = {
        "token": CAMPAIGN_TOKEN,
        "click_id": str(click.click_id),
        "goal": "SALE000001",
        "txn_id": "C-unreachable",
        "amount": "80.00",
    }
    # The link's counters are written after the conversion row.
    _break(proxy, moment, last_statement=b'UPDATE "affiliates_link"')

    with caplog.at_level(logging.ERROR, logger="tracking.views"):
        refused = _get("/postback/conversion/", params)

    _refused(refused, caplog, "conversion")
    assert _was_sent(proxy, b'INSERT INTO "affiliates_conversion"') == [moment == "mid-write"]
    proxy.switch_on()
    assert Conversion.objects.count() == 0
    assert Link.objects.values_list("conversions_count", "earnings").get() == (0, D("0.00"))
    assert (Transaction.objects.count(), Entry.objects.count()) == (0, 0)
    assert PostbackLog.objects.count() == 0

    retried = _get("/postback/conversion/", params)
    again = _get("/postback/conversion/", params)

    assert (retried.status_code, retried.json()["duplicate"]) == (200, False)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    conversion = Conversion.objects.get()
    assert (conversion.txn_id, conversion.amount, conversion.commission) == (
        "C-unreachable",
        D("80.00"),
        D("10.00"),
    )
    assert Link.objects.values_list("conversions_count", "earnings").get() == (1, D("10.00"))
    assert sorted(PostbackLog.objects.values_list("outcome", flat=True)) == [
        "duplicate",
        "success",
    ]
