"""What a network's or advertiser's report means, given where the sale stands now.

Networks word the same news differently: Everflow, TUNE, Affise and Post Affiliate Pro say
"rejected"/"declined" for a sale they approved earlier (a reversal); impact.com says
"REVERSED" for one still pending (a rejection). No status map can fix that, because the
meaning depends on the state, so both postback kinds read this one table: cashback events
(wallet) and partner conversions (affiliates).

Reported words, after each network's own map: pending, approved, rejected, reversed (a
conversion postback's "declined" is rejected). States: a cashback event is pending,
approved (still pending, the network approved it), confirmed (credited to the shopper),
rejected or reversed; a conversion is pending, approved, declined (its one final state:
read as rejected) or paid. Verdicts: REJECT and REVERSE are one move for a conversion
(declined; the take-back of a credited commission happens there).

A report that repeats the network's own last word is a duplicate before the table is read
(`last_said`): an auto-confirmed event whose network still says pending, or an event staff
rejected while the network said pending, hears that word again on every report sync.
"""

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    DUPLICATE = "duplicate"  # nothing new: answer 200, duplicate
    APPROVE = "approve"  # record the network's approval; no money moves
    REJECT = "reject"  # withdraw a pending credit (a conversion: decline it)
    REVERSE = "reverse"  # take back what was credited (a conversion: decline it)
    REFUSE = "refuse"  # 409 invalid_transition, naming the reports this state takes


REPORTED = ("pending", "approved", "rejected", "reversed")


@dataclass(frozen=True)
class Cell:
    verdict: Verdict
    why: str


def _row(pending: Cell, approved: Cell, rejected: Cell, reversed_: Cell) -> dict[str, Cell]:
    return dict(zip(REPORTED, (pending, approved, rejected, reversed_), strict=True))


# One letter each, so the table below reads as a grid: D(uplicate), A(pprove), re(J)ect,
# re(V)erse, R(efuse).
D, A, J, V, R = (
    Verdict.DUPLICATE,
    Verdict.APPROVE,
    Verdict.REJECT,
    Verdict.REVERSE,
    Verdict.REFUSE,
)
_FINAL = _row(
    Cell(R, "it was turned down for good and cannot be reopened"),
    Cell(R, "it was turned down for good; staff decide if that changed"),
    Cell(D, "it is final already"),
    Cell(D, "it is final already"),
)

# state → reported → what it means. Every cell says why.
TABLE: dict[str, dict[str, Cell]] = {
    "pending": _row(
        Cell(D, "the same status again"),
        Cell(A, "the network approved it; it confirms on the next run"),
        Cell(J, "turned down before approval"),
        Cell(J, "a reversal of a sale never approved is a rejection (impact.com)"),
    ),
    "approved": _row(
        # Affise's 5 and Admitad's approved_but_stalled are holds on an approved sale that
        # presets read as pending: refusing them would have the network retry until it
        # gives up; the approval stands.
        Cell(D, "a hold after approval changes nothing: the approval stands"),
        Cell(D, "the same status again"),
        Cell(V, "rejected after approval is a reversal (Everflow, TUNE, Affise, PAP)"),
        Cell(V, "taken back after approval"),
    ),
    "confirmed": _row(
        Cell(D, "a hold after confirmation changes nothing: the cashback stays confirmed"),
        Cell(A, "confirmed before the network approved: the approval is recorded, no money"),
        Cell(V, "rejected after confirmation is a reversal"),
        Cell(V, "taken back after confirmation"),
    ),
    "paid": _row(
        Cell(D, "a hold on a paid commission changes nothing"),
        Cell(D, "the same status again: it was approved, then paid"),
        Cell(R, "the commission is already paid out; staff settle it with the partner"),
        Cell(R, "the commission is already paid out; staff settle it with the partner"),
    ),
    "rejected": _FINAL,
    "declined": _FINAL,  # a conversion's one final state
    "reversed": _FINAL,
}


def judge(state: str, reported: str, *, last_said: str | None = None) -> Cell:
    """The cell for `reported` arriving at a sale in `state`. `last_said` is what the
    network said last time, where it is kept (cashback events)."""
    if reported == last_said:
        return Cell(Verdict.DUPLICATE, "the network said that last time")
    return TABLE[state][reported]


def allowed_reports(state: str) -> list[str]:
    return [word for word, cell in TABLE[state].items() if cell.verdict != Verdict.REFUSE]


def refusal_detail(*, txn_id: str, state: str, reported: str, said: str = "") -> str:
    """The sentence of a 409 invalid_transition: why not, and what this state takes.
    `said`: the sender's word when it is not the table's (a conversion's "declined")."""
    allowed = allowed_reports(state)
    words = " or ".join([", ".join(allowed[:-1]), allowed[-1]] if len(allowed) > 1 else allowed)
    return (
        f"Transaction {txn_id} is {state}; it cannot become {said or reported}: "
        f"{TABLE[state][reported].why}. It takes {words}."
    )
