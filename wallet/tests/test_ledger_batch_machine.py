"""The ledger's two doors, ledger_post and ledger_post_many, driven by random sequences
(Hypothesis) and raced by real threads on PostgreSQL: after every step the books balance
and every balance matches a plain model of all-or-nothing batches."""

import random
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.tests.factories import UserFactory
from config.testing import race
from wallet.models import Account, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.ledger import (
    IdempotencyConflict,
    InsufficientFunds,
    Line,
    PostingRequest,
    ledger_post,
    ledger_post_many,
    platform_account,
    transfer,
    user_account,
)

ZERO = Decimal("0.00")
EXPENSE = platform_account(Account.Kind.CASHBACK_EXPENSE)
amounts = st.decimals(min_value="0.01", max_value="50", places=2)
# (key number, source, target, amount, guarded): accounts by index into machine.accounts.
specs = st.tuples(
    st.integers(0, 11), st.integers(0, 4), st.integers(0, 4), amounts, st.booleans()
).filter(lambda s: s[1] != s[2])


def _balance(key) -> Decimal:
    found = Account.objects.filter(owner_id=key.owner_id, kind=key.kind, currency=key.currency)
    return found.values_list("balance", flat=True).first() or ZERO


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        first, second = UserFactory(), UserFactory()
        self.accounts = [
            EXPENSE,
            user_account(first, Account.Kind.AVAILABLE),
            user_account(first, Account.Kind.HOLD),
            user_account(second, Account.Kind.AVAILABLE),
            user_account(second, Account.Kind.HOLD),
        ]
        self.prefix = uuid.uuid4().hex[:8]
        self.balances = {key: _balance(key) for key in self.accounts}
        self.posted: dict[str, Counter] = {}  # key -> the lines it moved
        self.fresh = 0

    def _request(self, spec) -> PostingRequest:
        number, source, target, amount, guard = spec
        lines = transfer(self.accounts[source], self.accounts[target], amount, guard=guard)
        return PostingRequest("test.machine", f"{self.prefix}:{number}", lines)

    def _expect(self, requests: list[PostingRequest]):
        """What the model says the batch does: an exception class, or the new balances
        and the keys it posts."""
        for r in requests:
            seen = self.posted.get(r.idempotency_key)
            if seen is not None and seen != Counter(
                (line.account, line.amount) for line in r.lines
            ):
                return IdempotencyConflict
        balances, fresh = dict(self.balances), {}
        for r in requests:
            if r.idempotency_key in self.posted:
                continue  # replayed: nothing moves
            for line in r.lines:
                balances[line.account] += line.amount
            if any(line.guard and balances[line.account] < 0 for line in r.lines):
                return InsufficientFunds
            fresh[r.idempotency_key] = Counter((line.account, line.amount) for line in r.lines)
        return balances, fresh

    def _run(self, requests, post):
        expected = self._expect(requests)
        if isinstance(expected, type):
            with pytest.raises(expected):
                post()
            return
        postings = post()
        balances, fresh = expected
        assert [p.created for p in postings] == [r.idempotency_key in fresh for r in requests]
        self.balances, self.posted = balances, {**self.posted, **fresh}

    @rule(spec=specs)
    def post_one(self, spec):
        r = self._request(spec)
        self._run(
            [r],
            lambda: [ledger_post(kind=r.kind, idempotency_key=r.idempotency_key, lines=r.lines)],
        )

    @rule(batch=st.lists(specs, min_size=2, max_size=6, unique_by=lambda s: s[0]))
    def post_a_batch(self, batch):
        requests = [self._request(spec) for spec in batch]
        self._run(requests, lambda: ledger_post_many(requests))

    @rule(size=st.integers(50, 54), amount=amounts, replay=st.booleans())
    def post_a_big_batch(self, size, amount, replay):
        """Big enough for PostgreSQL's array path; credits only, maybe one replayed key."""
        requests = []
        for n in range(size):
            self.fresh += 1
            target = self.accounts[1 + n % 4]
            requests.append(
                PostingRequest(
                    "test.machine",
                    f"{self.prefix}:big:{self.fresh}",
                    transfer(EXPENSE, target, amount),
                )
            )
        if replay and self.posted:
            key = next(iter(self.posted))
            lines = self._lines_of(key)
            requests.append(PostingRequest("test.machine", key, lines))
        self._run(requests, lambda: ledger_post_many(requests))

    def _lines_of(self, key):
        return [
            Line(account, amount)
            for (account, amount), n in self.posted[key].items()
            for _ in range(n)
        ]

    @invariant()
    def books_balance_and_match_the_model(self):
        assert wallet_audit() == []
        assert {key: _balance(key) for key in self.accounts} == self.balances
        mine = Transaction.objects.filter(idempotency_key__startswith=f"{self.prefix}:")
        assert mine.count() == len(self.posted)


@pytest.mark.slow
@pytest.mark.django_db
def test_random_ledger_histories_keep_the_books_sound():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_batches_racing_over_shared_accounts_post_each_key_once_without_deadlock():
    """Eight workers post the same 30 keys (each 10 credits to four shared accounts) in
    different orders and batch splits: every key is posted once, the others replay."""
    users = UserFactory.create_batch(4)
    targets = [user_account(u, Account.Kind.AVAILABLE) for u in users]
    amount = {k: Decimal(k + 1) / 4 for k in range(30)}
    target_of = {k: targets[k % 4] for k in range(30)}

    def worker(i):
        keys = list(range(30))
        random.Random(i).shuffle(keys)
        for start in range(0, 30, 10):
            ledger_post_many(
                [
                    PostingRequest(
                        "test.race", f"race:{k}", transfer(EXPENSE, target_of[k], amount[k])
                    )
                    for k in keys[start : start + 10]
                ]
            )
        return "ok"

    results = race(8, worker)

    assert results == ["ok"] * 8
    assert Transaction.objects.filter(kind="test.race").count() == 30
    for n, target in enumerate(targets):
        assert _balance(target) == sum(a for k, a in amount.items() if k % 4 == n)
    assert wallet_audit() == []


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_guarded_batches_racing_for_one_balance_spend_it_once():
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)
    hold = user_account(user, Account.Kind.HOLD)
    ledger_post(
        kind="test.fund",
        idempotency_key="fund",
        lines=transfer(EXPENSE, available, Decimal("10.00")),
    )

    def spend(i):
        return ledger_post_many(
            [
                PostingRequest("test.spend", f"note:{i}", transfer(EXPENSE, hold, Decimal("0.01"))),
                PostingRequest(
                    "test.spend",
                    f"spend:{i}",
                    transfer(available, hold, Decimal("6.00"), guard=True),
                ),
            ]
        )

    results = race(6, spend)

    refused = [r for r in results if isinstance(r, InsufficientFunds)]
    assert len(refused) == 5
    assert (_balance(available), _balance(hold)) == (Decimal("4.00"), Decimal("6.01"))
    assert Transaction.objects.filter(kind="test.spend").count() == 2  # the winner's two
    assert wallet_audit() == []
