"""Staff decisions on one cashback event (the admin's actions): the move, its money and
its audit row commit together, so the log never names a move that rolled back, nor
misses one that happened."""

from django.db import transaction

from accounts.services import audit_log

from ..models import CashbackEvent
from .cashback import CashbackRefused, cashback_reject, cashback_reverse
from .confirmation import cashback_confirm


def _confirm(event, actor, reason):
    return cashback_confirm(event=event, actor=actor)


def _reject(event, actor, reason):
    return cashback_reject(event=event, actor=actor, reason=reason)


def _reverse(event, actor, reason):
    return cashback_reverse(event=event, actor=actor, reason=reason)


# decision → (service, whether the shopper must be told why)
DECISIONS = {
    "confirm": (_confirm, False),
    "reject": (_reject, True),
    "reverse": (_reverse, True),
}


def cashback_decide(
    *, event: CashbackEvent, decision: str, actor, reason: str = "", request=None
) -> bool:
    """Confirm, reject or reverse `event` for staff. False if its status does not allow it
    (nothing is written then)."""
    apply, needs_reason = DECISIONS[decision]
    reason = reason.strip()
    if needs_reason and not reason:
        raise CashbackRefused(
            "reason_required", f"Give a reason to {decision}: the shopper sees it.", "reason"
        )
    with transaction.atomic():
        if not apply(event, actor, reason):
            return False
        audit_log(
            actor=actor,
            action=f"cashback.{decision}",
            entity=event,
            metadata={"reason": reason, "amount": str(event.cashback_amount)},
            request=request,
        )
    return True
