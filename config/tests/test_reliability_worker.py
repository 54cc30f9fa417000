"""The money jobs on a real Celery worker, killed half-way with SIGKILL.

Each test runs the job on a worker process (Redis broker, the pytest PostgreSQL
database), holds it at a known point half-way through with a "gate" (a row lock or an
uncommitted unique key in another connection, the kind of wait a busy database causes
anyway), kills the worker's whole process group with SIGKILL, and starts a second worker.
The second worker finds the killed worker's message still unacknowledged (acks_late) and
runs the job again; the books must balance and nobody may be paid twice.

In production the unacknowledged message comes back after the broker's visibility
timeout (an hour), or beat sends the job again sooner. The second worker here uses a
visibility timeout of one second so that it restores the message as it starts.

Everything the workers send goes under a Redis key prefix of its own, so these tests
never see another run's messages, whatever Redis database REDIS_URL names.
"""

import csv
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from urllib.parse import quote

import psycopg
import pytest
import redis
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection

from accounts.tests.factories import PASSWORD, SuperuserFactory, UserFactory
from config.celery import app as celery_app
from offers.tests.factories import MerchantFactory
from support.models import Notification
from wallet.defaults import ensure_withdrawal_methods
from wallet.models import CashbackEvent, Entry, Payout, PayoutBatch, Transaction, Withdrawal
from wallet.payouts.manual import ManualProvider
from wallet.services.audit import wallet_audit
from wallet.services.confirmation import cashback_confirm
from wallet.services.payouts import payouts_process
from wallet.services.withdrawals import withdrawal_approve, withdrawal_request
from wallet.tests.factories import balances, recorded_event

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

D = Decimal
DEADLINE = 120  # seconds any one wait may take (a busy 2-core machine starts workers slowly)

# The worker's entry point: `celery -A config worker`, with the broker options of this
# test (its key prefix; the restore timeout) set before the app connects.
WORKER_MAIN = """
import sys
from config.celery import app
prefix, visibility_timeout = sys.argv[1], float(sys.argv[2])
app.conf.broker_transport_options = {
    "global_keyprefix": prefix,
    "visibility_timeout": visibility_timeout,
}
app.worker_main([
    "worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
    "--without-mingle", "--without-gossip", "--without-heartbeat",
])
"""


def _wait_for(what: str, check, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"gave up after {timeout}s waiting for {what}")


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def _psycopg_params() -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


def _other_backends() -> list[int]:
    """Server processes connected to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


class Gate:
    """A statement run in a transaction of its own connection and kept open, so whoever
    needs the same row (or unique key) waits; `wait_until_blocking` returns once a
    worker does."""

    def __init__(self, sql: str, params: list):
        self.conn = psycopg.connect(**_psycopg_params())
        self.conn.execute(sql, params)  # psycopg opens a transaction and keeps it open
        self.pid = self.conn.info.backend_pid

    def wait_until_blocking(self) -> int:
        def blocked():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                    [self.pid],
                )
                return cursor.fetchone()

        return _wait_for("a worker to block on the gate", blocked)[0]

    def release(self):
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


class Workers:
    """Celery worker processes for one test, each in its own process group."""

    def __init__(self, tmp_path):
        self.prefix = f"reliability-{uuid.uuid4().hex[:10]}:"
        self.logs = tmp_path
        self.procs: list[subprocess.Popen] = []
        self.gates: list[Gate] = []
        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        self.purge()

    def purge(self):
        for key in self.redis.scan_iter(match=f"{self.prefix}*", count=1000):
            self.redis.delete(key)

    def start(self, *, visibility_timeout: float = 3600) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,  # set, so Celery is not eager
            "EMAIL_URL": "dummymail://",
            "PYTHONUNBUFFERED": "1",
            # Held at a gate, the worker must still be waiting when it is killed.
            "DATABASE_LOCK_TIMEOUT_MS": str(DEADLINE * 2 * 1000),
        }
        log = open(self.logs / f"worker-{len(self.procs) + 1}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(  # noqa: S603 (our interpreter, our arguments)
            [sys.executable, "-c", WORKER_MAIN, self.prefix, str(visibility_timeout)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def send(self, task_name: str):
        celery_app.conf.task_always_eager = False  # conftest puts it back after the test
        with celery_app.connection_for_write(
            transport_options={"global_keyprefix": self.prefix}
        ) as conn:
            return celery_app.send_task(task_name, connection=conn).id

    def kill(self, proc: subprocess.Popen):
        """SIGKILL the worker and its pool: a machine lost, an OOM kill."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=DEADLINE)

    def gate(self, sql: str, params: list) -> Gate:
        gate = Gate(sql, params)
        self.gates.append(gate)
        return gate

    def stop_all(self):
        for gate in self.gates:  # a test that failed early may have left one shut
            gate.release()
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # warm shutdown: finish the task
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=DEADLINE)
        self.purge()

    def ran(self, number: int, task_id: str) -> bool:
        """Whether worker `number` (1, 2…) ran this task to the end."""
        log = (self.logs / f"worker-{number}.log").read_text(errors="replace")
        return f"[{task_id}] succeeded" in log

    def log(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.logs.glob("worker-*.log"))
        )


@pytest.fixture
def workers(transactional_db, tmp_path):
    found = Workers(tmp_path)
    yield found
    found.stop_all()
    # A killed worker's server process may outlive it for a moment; the database flush
    # after this test must not wait for its locks.
    _wait_for("the workers' database sessions to end", lambda: not _other_backends())


def _kill_at_gate(workers: Workers, worker, gate: Gate) -> None:
    """Kill the worker held at the gate, open the gate, and wait until PostgreSQL has
    rolled back the killed worker's open transaction (its server process notices the
    client is gone once its statement can finish)."""
    try:
        gate.wait_until_blocking()
    except AssertionError:
        raise AssertionError(f"the worker never reached the gate\n{workers.log()}") from None
    workers.kill(worker)
    gate.release()
    _wait_for("the killed worker's session to end", lambda: not _other_backends())


def test_a_worker_killed_mid_confirm_and_a_second_one_credit_each_event_exactly_once(workers):
    first = workers.start()  # it starts up while the test data is made
    merchant = MerchantFactory(confirmation_days=30)
    users = UserFactory.create_batch(11)
    events, owed = [], {}
    for index, user in enumerate(users):
        amounts = [D(f"{1 + n % 9}.{(7 * index + n) % 100:02d}") for n in range(50)]
        events += [
            recorded_event(user, cashback=str(a), status="approved", merchant=merchant).pk
            for a in amounts
        ]
        owed[user.pk] = sum(amounts)
    # The job confirms 500 events per transaction in id order: the first batch is
    # users 0-9, the second user 10. The gate holds user 10's pending account, which the
    # second batch must lock to move the money.
    gate = workers.gate(
        "SELECT id FROM wallet_account WHERE owner_id = %s AND kind = 'pending' FOR UPDATE",
        [users[10].pk],
    )
    task_id = workers.send("wallet.tasks.confirm_cashback")

    _kill_at_gate(workers, first, gate)

    # The first batch committed; the second, killed half-way, left nothing behind.
    confirmed = set(CashbackEvent.objects.filter(status="confirmed").values_list("pk", flat=True))
    assert confirmed == set(events[:500])
    assert Transaction.objects.filter(kind="cashback.confirm").count() == 500
    assert [balances(u)["available"] for u in users] == [owed[u.pk] for u in users[:10]] + [
        D("0.00")
    ]
    assert wallet_audit() == []

    workers.start(visibility_timeout=1)
    _wait_for(
        "the second worker to confirm the rest",
        lambda: not CashbackEvent.objects.exclude(status="confirmed").exists(),
    )
    # Shoppers hear about each event once: the first batch's news was queued before the
    # kill; the killed batch's never was, and the second worker's run sends it.
    _wait_for("the notifications", lambda: Notification.objects.count() >= 550)

    keys = Transaction.objects.filter(kind="cashback.confirm").values_list(
        "idempotency_key", flat=True
    )
    assert sorted(keys) == sorted(f"cashback:{pk}:confirm" for pk in events)
    assert Entry.objects.filter(transaction__kind="cashback.confirm").count() == 2 * 550
    for user in users:
        assert balances(user) == {
            "available": owed[user.pk],
            "pending": D("0.00"),
            "hold": D("0.00"),
        }
    assert Notification.objects.count() == 550
    assert wallet_audit() == []
    # The second worker finished the killed worker's own message: it was not lost.
    assert workers.ran(2, task_id), workers.log()


# --- payouts -----------------------------------------------------------------------------


def _approved_withdrawals() -> tuple[list[Withdrawal], dict]:
    """150 approved PayPal withdrawals (paid by the manual provider: no PayPal keys), five
    for each of 30 shoppers, each shopper's cashback exactly covering their five."""
    ensure_withdrawal_methods(django_apps)  # the flush of an earlier test removed them
    merchant, staff = MerchantFactory(), SuperuserFactory()
    withdrawals, held = [], {}
    for index, user in enumerate(UserFactory.create_batch(30)):
        amounts = [D(f"{10 + (index + k) % 7}.{(3 * index + k) % 100:02d}") for k in range(5)]
        cashback_confirm(event=recorded_event(user, cashback=str(sum(amounts)), merchant=merchant))
        for amount in amounts:
            withdrawal = withdrawal_request(
                user=user,
                method_code="paypal",
                amount=amount,
                details={"paypal_email": f"{user.pk}@paypal.example"},
                password=PASSWORD,
            )
            withdrawal_approve(withdrawal=withdrawal, actor=staff)
            withdrawals.append(withdrawal)
        held[user] = sum(amounts)
    return withdrawals, held


def _bank_file_lines(batch: PayoutBatch) -> list[int]:
    """The withdrawal ids a manual batch's bank file pays."""
    rows = list(csv.DictReader(io.StringIO(batch.export_csv)))
    return [int(row["withdrawal_id"]) for row in rows]


def _assert_each_withdrawal_paid_once(withdrawals, held):
    ids = [w.pk for w in withdrawals]
    batches = list(PayoutBatch.objects.order_by("pk"))
    # The job batches 100 withdrawals at a time in id order; each batch was accepted by
    # the provider once (attempts counts accepted or refused hand-overs, not kills).
    assert [(b.provider, b.status, b.attempts) for b in batches] == [("manual", "submitted", 1)] * 2
    assert [sorted(b.payouts.values_list("withdrawal_id", flat=True)) for b in batches] == [
        ids[:100],
        ids[100:],
    ]
    assert [_bank_file_lines(b) for b in batches] == [ids[:100], ids[100:]]
    assert [b.total for b in batches] == [
        sum(w.net_amount for w in withdrawals[:100]),
        sum(w.net_amount for w in withdrawals[100:]),
    ]
    assert Payout.objects.count() == 150
    assert sorted(Payout.objects.values_list("withdrawal_id", flat=True)) == ids
    assert set(Withdrawal.objects.values_list("status", flat=True)) == {"processing"}
    for user, amount in held.items():
        assert balances(user) == {"available": D("0.00"), "pending": D("0.00"), "hold": amount}
    assert wallet_audit() == []


def test_a_worker_killed_while_batching_payouts_and_a_second_one_pay_each_withdrawal_once(
    workers,
):
    first = workers.start()  # it starts up while the test data is made
    withdrawals, held = _approved_withdrawals()
    # The gate: an uncommitted payout row for the 121st withdrawal. Its unique key makes
    # the job wait while inserting the payouts of its second batch of 100. (Foreign keys
    # are checked at commit, which this row never reaches.)
    gate = workers.gate(
        "INSERT INTO wallet_payout (withdrawal_id, batch_id, amount, status, "
        "provider_reference, provider_status, created_at, updated_at) "
        "VALUES (%s, 0, 0, 'pending', '', '', now(), now())",
        [withdrawals[120].pk],
    )
    task_id = workers.send("wallet.tasks.process_payouts")

    _kill_at_gate(workers, first, gate)

    # The first batch was claimed and committed; nothing of the second is left.
    batch = PayoutBatch.objects.get()
    assert (batch.status, batch.attempts, batch.payouts.count()) == ("created", 0, 100)
    statuses = list(Withdrawal.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["processing"] * 100 + ["approved"] * 50

    workers.start(visibility_timeout=1)
    _wait_for(
        "the second worker to submit every batch",
        lambda: (
            PayoutBatch.objects.filter(status="submitted").count() == 2 and workers.ran(2, task_id)
        ),
    )

    _assert_each_withdrawal_paid_once(withdrawals, held)


class _DiesBeforeSubmitting(ManualProvider):
    def submit(self, batch, payouts):
        raise SystemExit("killed between claiming the batches and submitting them")


def test_a_worker_killed_while_handing_a_batch_to_the_provider_and_a_second_one_submit_it_once(
    workers,
):
    first = workers.start()  # it starts up while the test data is made
    withdrawals, held = _approved_withdrawals()
    # An earlier run claimed every batch and died before submitting any.
    with pytest.raises(SystemExit):
        payouts_process(providers=lambda name: _DiesBeforeSubmitting())
    second = PayoutBatch.objects.order_by("pk")[1]
    # The gate: the second batch's row, locked. The manual provider writes the batch's
    # bank file onto it, so the job waits in the middle of handing it over.
    gate = workers.gate("SELECT id FROM wallet_payoutbatch WHERE id = %s FOR UPDATE", [second.pk])
    task_id = workers.send("wallet.tasks.process_payouts")

    _kill_at_gate(workers, first, gate)

    assert list(PayoutBatch.objects.order_by("pk").values_list("status", "attempts")) == [
        ("submitted", 1),
        ("created", 0),
    ]

    workers.start(visibility_timeout=1)
    _wait_for(
        "the second worker to submit every batch",
        lambda: (
            PayoutBatch.objects.filter(status="submitted").count() == 2 and workers.ran(2, task_id)
        ),
    )

    # The killed hand-over of the second batch is handed over again, under the same
    # sender_batch_id, which a real provider refuses to pay twice.
    _assert_each_withdrawal_paid_once(withdrawals, held)
