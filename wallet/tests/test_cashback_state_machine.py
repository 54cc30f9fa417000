"""Random sequences of what networks, the confirmation job and staff do to cashback: after
every step the books balance and each shopper's balances match a plain model."""

import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from accounts.tests.factories import UserFactory
from config.report_states import Verdict, judge
from offers.tests.factories import MerchantFactory
from wallet.models import Account, CashbackEvent
from wallet.services.audit import wallet_audit
from wallet.services.cashback import (
    CashbackRefused,
    cashback_record,
    cashback_reverse,
)
from wallet.services.confirmation import cashback_confirm

STATUSES = ["pending", "approved", "rejected", "reversed"]
ZERO = Decimal("0.00")
amounts = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)


class CashbackMachine(RuleBasedStateMachine):
    sales = Bundle("sales")

    def __init__(self):
        super().__init__()
        self.merchant = MerchantFactory()
        self.users = [UserFactory(), UserFactory()]
        # txn_id -> [user, cashback, status, network_status]: what the books should say.
        self.model: dict[str, list] = {}

    def _record(self, txn, user, cashback, commission, status):
        return cashback_record(
            user_id=user.pk,
            network=self.merchant.network,
            merchant=self.merchant,
            offer_id=None,
            click_uuid=uuid.uuid4(),
            txn_id=txn,
            sale_amount=commission * 10,
            commission=commission,
            cashback=cashback,
            currency="USD",
            network_status=status,
        )

    @rule(
        target=sales,
        user_index=st.integers(0, 1),
        commission=amounts,
        share=st.integers(0, 100),
        status=st.sampled_from(STATUSES),
    )
    def network_reports_a_new_sale(self, user_index, commission, share, status):
        txn = f"T{len(self.model)}-{uuid.uuid4().hex[:6]}"
        cashback = (commission * share / 100).quantize(Decimal("0.01"))
        outcome = self._record(txn, self.users[user_index], cashback, commission, status)
        assert outcome.created
        ours = {"rejected": "rejected", "reversed": "reversed"}.get(status, "pending")
        self.model[txn] = [self.users[user_index], cashback, ours, status]
        return txn

    @rule(txn=sales, status=st.sampled_from(STATUSES))
    def network_updates_a_sale(self, txn, status):
        user, cashback, ours, theirs = self.model[txn]
        state = "approved" if (ours, theirs) == ("pending", "approved") else ours
        verdict = judge(state, status, last_said=theirs).verdict
        try:
            outcome = self._record(txn, user, cashback, cashback, status)
        except CashbackRefused as refused:
            assert verdict == Verdict.REFUSE
            assert refused.code == "invalid_transition"
            return
        assert verdict != Verdict.REFUSE
        assert outcome.duplicate == (verdict == Verdict.DUPLICATE)
        if verdict == Verdict.REJECT:
            ours = "rejected"
        elif verdict == Verdict.REVERSE:
            ours = "reversed"
        # A duplicate keeps the word that put the event where it is (a hold after an
        # approval leaves it approved).
        self.model[txn] = [user, cashback, ours, theirs if verdict == Verdict.DUPLICATE else status]

    @rule(txn=sales)
    def confirmation_job_runs(self, txn):
        event = CashbackEvent.objects.get(external_txn_id=txn)
        confirmed = cashback_confirm(event=event)
        assert confirmed == (self.model[txn][2] == "pending")
        if confirmed:
            self.model[txn][2] = "confirmed"

    @rule(txn=sales)
    def staff_reverse(self, txn):
        event = CashbackEvent.objects.get(external_txn_id=txn)
        reversed_ = cashback_reverse(event=event, reason="chargeback")
        assert reversed_ == (self.model[txn][2] in ("pending", "confirmed"))
        if reversed_:
            self.model[txn][2] = "reversed"

    @invariant()
    def books_balance_and_match_the_model(self):
        assert wallet_audit() == []
        for user in self.users:
            balances = dict(Account.objects.filter(owner=user).values_list("kind", "balance"))
            mine = [
                (cashback, ours)
                for owner, cashback, ours, _ in self.model.values()
                if owner == user
            ]
            pending = sum((c for c, ours in mine if ours == "pending"), ZERO)
            available = sum((c for c, ours in mine if ours == "confirmed"), ZERO)
            assert balances.get("pending", ZERO) == pending
            assert balances.get("available", ZERO) == available
        statuses = dict(
            CashbackEvent.objects.filter(external_txn_id__in=self.model).values_list(
                "external_txn_id", "status"
            )
        )
        assert statuses == {txn: row[2] for txn, row in self.model.items()}


@pytest.mark.slow
@pytest.mark.django_db
def test_random_cashback_histories_keep_the_books_sound():
    run_state_machine_as_test(
        CashbackMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
