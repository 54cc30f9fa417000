from .adjustments import AdjustmentRequest
from .cashback import CashbackAmendment, CashbackEvent
from .fx import FxRate
from .ledger import Account, AppendOnlyError, Entry, Transaction
from .methods import WithdrawalMethod, _platform_currency  # noqa: F401 (0001_initial uses it)
from .withdrawals import Payout, PayoutBatch, Withdrawal

__all__ = [
    "Account",
    "AdjustmentRequest",
    "AppendOnlyError",
    "CashbackAmendment",
    "CashbackEvent",
    "Entry",
    "FxRate",
    "Payout",
    "PayoutBatch",
    "Transaction",
    "Withdrawal",
    "WithdrawalMethod",
]
