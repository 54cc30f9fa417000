"""Delivering partner postbacks to a real HTTP server on 127.0.0.1: success, the retry
schedule, redirects, timeouts, signatures, and targets refused at delivery time."""

import hashlib
import hmac
import io
import json
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from affiliates import outbound
from affiliates.models import PostbackDelivery
from affiliates.services.deliveries import (
    SIGNATURE_HEADER,
    deliveries_dispatch,
    postback_send_test,
)
from affiliates.tasks import dispatch_postbacks
from campaigns.tests.factories import GoalFactory

from .factories import LinkFactory, PartnerFactory, PostbackFactory
from .support import record_conversion, running_tracker

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracker(settings):
    with running_tracker(settings) as server:
        yield server


def _queued(url, method="GET", **conversion):
    """One pending delivery of a new conversion to `url`; returns it and the conversion."""
    partner = PartnerFactory()
    link = LinkFactory(partner=partner)
    GoalFactory(campaign=link.campaign)
    postback = PostbackFactory(partner=partner, url=url, method=method)
    converted = record_conversion(link, **conversion)
    return PostbackDelivery.objects.get(postback=postback), converted


def _verify(secret, header, payload):
    fields = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{fields['t']}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(int(fields["t"]) - time.time()) < 60


def test_a_get_postback_is_delivered_with_macros_filled_and_a_valid_signature(tracker):
    delivery, conversion = _queued(
        tracker.url + "/pb?click={click_id}&s1={sub1}&payout={payout}&status={status}",
        sub1="abc",
    )

    report = deliveries_dispatch()

    delivery.refresh_from_db()
    assert (report.delivered, report.retrying, report.failed) == (1, 0, 0)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert (delivery.last_response, delivery.last_error) == ("ok", "")
    assert delivery.next_attempt_at is None
    assert delivery.delivered_at is not None
    [received] = tracker.requests
    assert received.method == "GET"
    assert received.path == f"/pb?click={conversion.click_uuid}&s1=abc&payout=10.00&status=pending"
    assert received.body == b""
    assert received.headers["User-Agent"] == "SaveBucks-Postback/1.0"
    signature = received.headers[SIGNATURE_HEADER]
    assert _verify(delivery.postback.signing_secret, signature, delivery.url)
    assert not _verify("another secret", signature, delivery.url)


def test_a_post_postback_sends_the_json_body_signed(tracker):
    delivery, conversion = _queued(tracker.url + "/hook", method="POST", txn_id="P-9")

    deliveries_dispatch()

    [received] = tracker.requests
    assert (received.method, received.path) == ("POST", "/hook")
    assert received.headers["Content-Type"] == "application/json"
    body = json.loads(received.body)
    assert (body["event"], body["txn_id"], body["payout"], body["click_id"]) == (
        "created",
        "P-9",
        "10.00",
        str(conversion.click_uuid),
    )
    signature = received.headers[SIGNATURE_HEADER]
    assert _verify(delivery.postback.signing_secret, signature, received.body.decode())
    assert not _verify(delivery.postback.signing_secret, signature, received.body.decode() + " ")
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_a_failing_server_is_retried_after_1m_5m_30m_2h_12h_then_the_delivery_fails(
    tracker,
):
    tracker.respond = lambda request, handler: (500, {}, b"boom")
    delivery, _ = _queued(tracker.url + "/pb")
    start = delivery.next_attempt_at
    at = start
    waits = [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]

    for attempt, wait in enumerate(waits, start=1):
        # A moment too early, nothing is due.
        early = deliveries_dispatch(now=at - timedelta(seconds=1))
        report = deliveries_dispatch(now=at)

        delivery.refresh_from_db()
        assert (early.delivered, early.retrying, early.failed) == (0, 0, 0)
        assert (report.delivered, report.retrying, report.failed) == (0, 1, 0)
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
        assert delivery.next_attempt_at == at + wait
        assert (delivery.last_status_code, delivery.last_response) == (500, "boom")
        assert len(tracker.requests) == attempt
        at = at + wait

    report = deliveries_dispatch(now=at)

    delivery.refresh_from_db()
    assert (report.delivered, report.retrying, report.failed) == (0, 0, 1)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 6, None)
    assert delivery.delivered_at is None
    assert at - start == timedelta(hours=14, minutes=36)
    assert len(tracker.requests) == 6
    # Failed is final: a week later nothing is sent again.
    assert deliveries_dispatch(now=at + timedelta(days=7)).failed == 0
    assert len(tracker.requests) == 6


def test_a_server_that_recovers_gets_the_delivery_on_the_third_attempt(tracker):
    answers = iter([(503, {}, b"busy"), (500, {}, b"oops"), (204, {}, b"")])
    tracker.respond = lambda request, handler: next(answers)
    delivery, _ = _queued(tracker.url + "/pb")
    at = delivery.next_attempt_at

    deliveries_dispatch(now=at)
    deliveries_dispatch(now=at + timedelta(minutes=1))
    report = deliveries_dispatch(now=at + timedelta(minutes=6))

    delivery.refresh_from_db()
    assert report.delivered == 1
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 204)
    assert delivery.delivered_at == at + timedelta(minutes=6)
    assert len(tracker.requests) == 3


def test_redirects_are_not_followed(tracker):
    tracker.respond = lambda request, handler: (
        (302, {"Location": tracker.url + "/elsewhere"}, b"")
        if request.path == "/pb"
        else (200, {}, b"followed")
    )
    delivery, _ = _queued(tracker.url + "/pb")
    at = delivery.next_attempt_at

    report = deliveries_dispatch(now=at)

    delivery.refresh_from_db()
    # A redirect is not a delivery: it is retried on the schedule like any other answer.
    assert (report.delivered, report.retrying) == (0, 1)
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert delivery.next_attempt_at == at + timedelta(minutes=1)
    assert [r.path for r in tracker.requests] == ["/pb"]


def test_a_server_slower_than_the_timeout_counts_as_a_failed_attempt(tracker, settings):
    settings.PARTNER_POSTBACK_TIMEOUT = 0.3

    def stall(request, handler):
        tracker.released.wait(10)
        return None, {}, b""

    tracker.respond = stall
    delivery, _ = _queued(tracker.url + "/slow")
    at = delivery.next_attempt_at

    started = time.monotonic()
    report = deliveries_dispatch(now=at)
    took = time.monotonic() - started

    delivery.refresh_from_db()
    assert report.retrying == 1
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.last_error == "timed out"
    assert delivery.next_attempt_at == at + timedelta(minutes=1)
    assert took < 3


def test_the_timeout_bounds_the_whole_answer_not_each_read(tracker, settings):
    """A server dripping a header line every 50 ms never trips a per-read timeout."""
    settings.PARTNER_POSTBACK_TIMEOUT = 0.3

    def drip(request, handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(200):
            if tracker.released.wait(0.05):
                break
            try:
                handler.wfile.write(f"X-Drip-{i}: x\r\n".encode())
                handler.wfile.flush()
            except OSError:
                break
        return None, {}, b""

    tracker.respond = drip
    delivery, _ = _queued(tracker.url + "/drip")

    started = time.monotonic()
    deliveries_dispatch()
    took = time.monotonic() - started

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("pending", "timed out")
    assert took < 3


def test_a_refused_connection_is_retried(settings):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = True
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    delivery, _ = _queued(f"http://127.0.0.1:{port}/pb")

    report = deliveries_dispatch()

    delivery.refresh_from_db()
    assert report.retrying == 1
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "refused" in delivery.last_error.lower()


def test_a_nul_in_the_answer_is_dropped_from_the_stored_excerpt(tracker):
    tracker.respond = lambda request, handler: (200, {}, b"ok\x00done" + b"x" * 600)
    delivery, _ = _queued(tracker.url + "/pb")

    deliveries_dispatch()

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.last_response == "okdone" + "x" * 493


# --- refused at delivery time -----------------------------------------------------------


def _resolve_as(monkeypatch, host, *answers):
    """`host` resolves as each of `answers` in turn (the last one repeats)."""
    answers = list(answers)
    real = socket.getaddrinfo

    def fake(name, *args, **kwargs):
        if name == host:
            name = answers.pop(0) if len(answers) > 1 else answers[0]
        return real(name, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "loopback.partner.test"])
def test_a_saved_url_that_points_inside_fails_at_once_without_connecting(
    tracker, settings, monkeypatch, host
):
    _resolve_as(monkeypatch, "loopback.partner.test", "127.0.0.1")
    port = tracker.url.rsplit(":", 1)[1]
    delivery, _ = _queued(f"http://{host}:{port}/pb")  # saved before the rule, say
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False

    report = deliveries_dispatch()

    delivery.refresh_from_db()
    assert (report.delivered, report.retrying, report.failed) == (0, 0, 1)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
    assert "not a public address" in delivery.last_error
    assert delivery.last_status_code is None
    assert tracker.requests == []


@pytest.mark.parametrize(
    "url", ["ftp://93.184.215.14/pb", "file:///etc/passwd", "https://example.com/ü"]
)
def test_a_saved_url_that_is_not_http_fails_at_once(url):
    delivery, _ = _queued(url)

    report = deliveries_dispatch()

    delivery.refresh_from_db()
    assert report.failed == 1
    assert (delivery.status, delivery.attempts) == ("failed", 1)


def test_a_host_that_does_not_resolve_is_retried_not_failed(settings):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False
    delivery, _ = _queued("https://hooks.partner.invalid/pb")

    report = deliveries_dispatch()

    delivery.refresh_from_db()
    assert report.retrying == 1
    assert delivery.status == "pending"
    assert delivery.last_error == "hooks.partner.invalid does not resolve."


def test_the_checked_address_is_the_one_connected_to(tracker, monkeypatch):
    """DNS answers once: a second lookup that would say otherwise is never made."""
    _resolve_as(monkeypatch, "rebind.partner.test", "127.0.0.1", "10.9.9.9")
    port = tracker.url.rsplit(":", 1)[1]
    delivery, _ = _queued(f"http://rebind.partner.test:{port}/pb")

    deliveries_dispatch()

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert tracker.requests[0].headers["Host"] == f"rebind.partner.test:{port}"


# --- the dispatcher itself --------------------------------------------------------------


def test_only_due_deliveries_are_sent_and_only_once(tracker):
    _queued(tracker.url + "/due")
    later, _ = _queued(tracker.url + "/later")
    PostbackDelivery.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1)
    )

    first = deliveries_dispatch()
    second = deliveries_dispatch()

    assert (first.delivered, second.delivered) == (1, 0)
    assert [r.path for r in tracker.requests] == ["/due"]


def test_the_dispatcher_works_through_more_than_one_claim(tracker):
    for _ in range(25):
        _queued(tracker.url + "/pb")

    report = deliveries_dispatch(limit=23)

    assert report.delivered == 23
    assert PostbackDelivery.objects.filter(status="pending").count() == 2
    assert len(tracker.requests) == 23


def test_an_attempt_whose_claim_was_taken_over_does_not_overwrite_the_newer_one():
    delivery, _ = _queued("https://93.184.215.14/pb")

    def slow_sender(method, url, **kwargs):
        # Meanwhile the lease ran out and another dispatcher claimed the row again.
        PostbackDelivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
        return outbound.HttpResult(200, "ok")

    report = deliveries_dispatch(sender=slow_sender)

    delivery.refresh_from_db()
    assert (report.delivered, report.retrying, report.failed) == (0, 0, 0)
    assert (delivery.status, delivery.attempts) == ("pending", 2)


def test_dispatch_postbacks_command_and_task_run_the_dispatcher(tracker):
    _queued(tracker.url + "/one")
    out = io.StringIO()

    call_command("dispatch_postbacks", stdout=out)
    _queued(tracker.url + "/two")
    result = dispatch_postbacks.delay().get()

    assert out.getvalue() == "1 delivered, 0 to retry, 0 failed.\n"
    assert result == {"delivered": 1, "retrying": 0, "failed": 0}
    assert [r.path for r in tracker.requests] == ["/one", "/two"]


def test_a_new_conversion_is_sent_once_its_transaction_commits(
    tracker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delivery, _ = _queued(tracker.url + "/pb")

    delivery.refresh_from_db()
    # One dispatch; the others publish the redirects' row-cache versions (new partner,
    # link and campaign rows), config.row_cache.
    assert [c.__name__ for c in callbacks].count("_dispatch_soon") == 1
    assert delivery.status == "delivered"
    assert len(tracker.requests) == 1


def test_a_broker_that_is_down_leaves_the_delivery_to_the_periodic_run(
    tracker, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down():
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(dispatch_postbacks, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        delivery, _ = _queued(tracker.url + "/pb")

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert tracker.requests == []
    assert deliveries_dispatch().delivered == 1


def test_send_test_creates_a_test_delivery_and_dispatches_it(
    tracker, django_capture_on_commit_callbacks
):
    postback = PostbackFactory(
        url=tracker.url + "/t?click={click_id}&s1={sub1}&txn={txn_id}&p={payout}&st={status}"
    )

    with django_capture_on_commit_callbacks(execute=True):
        delivery = postback_send_test(postback=postback)

    delivery.refresh_from_db()
    assert (delivery.event, delivery.conversion, delivery.status) == ("test", None, "delivered")
    assert [r.path for r in tracker.requests] == [
        "/t?click=00000000-0000-4000-8000-000000000000&s1=test&txn=TEST-1&p=1.00&st=approved"
    ]


def test_an_https_target_is_checked_like_any_other(settings):
    """A TLS handshake with a plain-HTTP server fails and is retried (no TLS bypass)."""
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = True
    settings.PARTNER_POSTBACK_TIMEOUT = 1
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer():
        conn, _ = server.accept()
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        conn.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    delivery, _ = _queued(f"https://127.0.0.1:{port}/pb")

    report = deliveries_dispatch()

    thread.join(5)
    server.close()
    delivery.refresh_from_db()
    assert report.retrying == 1
    assert delivery.status == "pending"
    assert delivery.last_status_code is None
    assert delivery.last_error != ""
