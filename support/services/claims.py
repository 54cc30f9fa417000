"""Missing-cashback claims: filing one (with its ticket) and moving open claims along.

A claim names one of the shopper's clicks. Every rule is checked before anything is
written, and the claim, its ticket and the ticket's first message are written in one
transaction: a refusal leaves no row behind. "Once per shopper, store and order id" is
the unique constraint's to decide, so a double submit is one claim and one 409.

`claims_advance` (every 5 minutes) is where a late postback closes a claim: the postback
hot path does no extra work for claims.
"""

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.ratelimit import RateLimit
from config.days import day_start
from config.errors import Conflict, NotFound, Refusal, TooManyAttempts
from config.money import InvalidAmount, parse_amount, parse_number
from tracking.models import Click
from wallet.models import CashbackEvent
from wallet.services.cashback import cashback_reject, cashback_reverse

from ..models import Category, MissingCashbackClaim, Ticket
from .notify import notify
from .tickets_open import ticket_open
from .uploads import upload_sniff

Status = MissingCashbackClaim.Status
CLAIM_ATTEMPTS = RateLimit("support_claim_account")
# Printable characters only: an order id goes into a CSV and into staff's screens.
ORDER_ID = re.compile(r"^[A-Z0-9][A-Z0-9 ._:/#-]{0,99}$")


class ClaimNotFound(NotFound):
    code = "not_found"


class NoClick(Refusal):
    code = "no_click"


class InvalidDate(Refusal):
    code = "invalid_date"


class TooEarly(Refusal):
    code = "too_early"


class TooLate(Refusal):
    code = "too_late"


class DuplicateClaim(Conflict):
    code = "duplicate_claim"


class AlreadyTracked(Conflict):
    code = "already_tracked"


class InvalidOrderId(Refusal):
    code = "invalid_order_id"


class ClaimThrottled(TooManyAttempts):
    code = "too_many_attempts"


# Every code claim_file may answer, for the API schema and the README.
FILE_REFUSAL_CODES = (
    ClaimNotFound.code,
    NoClick.code,
    InvalidDate.code,
    TooEarly.code,
    TooLate.code,
    DuplicateClaim.code,
    AlreadyTracked.code,
    InvalidOrderId.code,
    ClaimThrottled.code,
)


def normalise_order_id(raw) -> str:
    return str(raw or "").strip().upper()


def claim_amount(raw, *, field: str = "order_amount") -> Decimal:
    """A positive amount with at most two decimal places (a 10.005 order is a typo, not
    something to round), at most MAX_TRANSACTION_AMOUNT. The words name no field (the
    claim form shows them under its amount box, where "order_amount" means nothing to a
    shopper); the refusal still carries `field` for the API."""
    try:
        if parse_number(raw).as_tuple().exponent < -2:
            raise InvalidAmount(detail="Write the amount with at most two decimals.")
        return parse_amount(raw, allow_zero=False)
    except InvalidAmount as refused:
        refused.field = field
        raise


def shopper_click(user, click_uuid) -> Click:
    """The caller's own click; anyone else's is simply not found."""
    try:
        wanted = uuid.UUID(str(click_uuid))
    except (TypeError, ValueError, AttributeError):
        wanted = None
    click = (
        Click.objects.select_related("merchant__network").filter(click_id=wanted, user=user).first()
        if wanted
        else None
    )
    if click is None:
        raise ClaimNotFound(detail="You have no such click.", field="click_id")
    return click


def claim_dates_check(*, merchant, order_date: date, today: date) -> None:
    """The order's date against today: not in the future, not too old, not too soon."""
    if order_date > today:
        raise InvalidDate(detail="The order date is in the future.", field="order_date")
    if (today - order_date).days > settings.CLAIM_MAX_AGE_DAYS:
        raise TooLate(
            detail=f"Orders older than {settings.CLAIM_MAX_AGE_DAYS} days cannot be claimed.",
            field="order_date",
        )
    earliest = order_date + timedelta(days=merchant.claim_wait_days)
    if today < earliest:
        raise TooEarly(
            detail=f"{merchant.name} usually reports sales within {merchant.claim_wait_days} "
            f"days: you can file this claim from {earliest:%B %-d, %Y}.",
            field="order_date",
        )


def claim_click_check(click: Click, order_date: date) -> None:
    """The click must lead to the order: made on or before the order's day, and at most
    CLAIM_CLICK_WINDOW_DAYS before it."""
    window = settings.CLAIM_CLICK_WINDOW_DAYS
    earliest = day_start(order_date - timedelta(days=window))
    latest = day_start(order_date + timedelta(days=1))
    if not earliest <= click.created_at < latest:
        raise NoClick(
            detail=f"You had no trip to {click.merchant.name} through us in the {window} days "
            "before this order.",
            field="click_id",
        )


def _describe(click: Click, order_id: str, order_date: date, amount: Decimal) -> str:
    return (
        f"Missing cashback at {click.merchant.name}.\n"
        f"Order id: {order_id}\n"
        f"Order date: {order_date:%Y-%m-%d}\n"
        f"Order amount: {amount} {settings.PLATFORM_CURRENCY}\n"
        f"Click: {click.click_id} at {timezone.localtime(click.created_at):%Y-%m-%d %H:%M}"
    )


def claim_file(
    *,
    user,
    click_uuid,
    order_id,
    order_date: date,
    order_amount,
    proof=None,
    today: date | None = None,
) -> MissingCashbackClaim:
    """File a claim for `user`'s click and open its ticket, or refuse with a code and
    write nothing."""
    # Counted before any lookup: guessing click ids costs attempts whatever the answer.
    if not CLAIM_ATTEMPTS.allows(str(user.pk)):
        raise ClaimThrottled(detail=CLAIM_ATTEMPTS.message("claim"))
    today = today or timezone.localdate()
    click = shopper_click(user, click_uuid)
    merchant = click.merchant
    order_id = normalise_order_id(order_id)
    if not ORDER_ID.match(order_id):
        raise InvalidOrderId(
            detail="The order id is 1 to 100 letters, digits, spaces or . _ : / # -.",
            field="order_id",
        )
    if not isinstance(order_date, date):
        raise InvalidDate(detail="The order date is not a date.", field="order_date")
    amount = claim_amount(order_amount)
    claim_dates_check(merchant=merchant, order_date=order_date, today=today)
    claim_click_check(click, order_date)
    if CashbackEvent.objects.filter(click_uuid=click.click_id).exists():
        raise AlreadyTracked(
            detail="This trip already has cashback: see it under Activity.", field="click_id"
        )
    duplicate = DuplicateClaim(
        detail=f"You have already claimed order {order_id} at {merchant.name}.",
        field="order_id",
    )
    if MissingCashbackClaim.objects.filter(
        user=user, merchant=merchant, order_id=order_id
    ).exists():
        raise duplicate
    sniffed = upload_sniff(proof) if proof else ("", "")
    ice_until = order_date + timedelta(days=merchant.confirmation_days)
    claim = MissingCashbackClaim(
        user=user,
        merchant=merchant,
        network=merchant.network,
        click=click,
        click_uuid=click.click_id,
        clicked_at=click.created_at,
        order_id=order_id,
        order_date=order_date,
        order_amount=amount,
        currency=settings.PLATFORM_CURRENCY,
        proof_content_type=sniffed[0],
        ice_until=ice_until,
        status=Status.READY if today >= ice_until else Status.ON_ICE,
    )
    if proof:
        # Stored under a random name with the sniffed extension: never the sender's name.
        claim.proof.save(f"{uuid.uuid4().hex}.{sniffed[1]}", proof, save=False)
    try:
        with transaction.atomic():
            claim.ticket, _ = ticket_open(
                requester=user,
                subject=f"Missing cashback: {merchant.name} order {order_id}"[:200],
                category=Ticket.Category.MISSING_CASHBACK,
                message=_describe(click, order_id, order_date, amount),
            )
            claim.save()
    except IntegrityError as exc:
        # The same shopper's other request filed it first (the unique constraint decided).
        if claim.proof:
            claim.proof.delete(save=False)
        raise duplicate from exc
    return claim


def _claims_now_tracked() -> list[int]:
    # A sale the network reported: not an event an approved claim made (txn "claim:<id>"),
    # which names the same click and would close the shopper's other claims on that trip.
    sold = CashbackEvent.objects.filter(click_uuid=OuterRef("click_uuid")).exclude(
        external_txn_id__startswith="claim:"
    )
    return list(
        MissingCashbackClaim.objects.filter(status__in=MissingCashbackClaim.OPEN_STATUSES)
        .filter(Exists(sold))
        .values_list("pk", flat=True)[:1000]
    )


def network_sales(click_uuid):
    """The events a network reported for a click: not an approved claim's own credit
    (txn "claim:<id>")."""
    return CashbackEvent.objects.filter(click_uuid=click_uuid).exclude(
        external_txn_id__startswith="claim:"
    )


def _approved_claims_now_tracked() -> list[int]:
    # Only a sale that pays (pending or confirmed) replaces the claim's credit: one the
    # network refused on arrival leaves staff's approval standing.
    paying = network_sales(OuterRef("click_uuid")).filter(
        status__in=(CashbackEvent.Status.PENDING, CashbackEvent.Status.CONFIRMED)
    )
    return list(
        MissingCashbackClaim.objects.filter(status=Status.APPROVED)
        .filter(Exists(paying))
        .values_list("pk", flat=True)[:1000]
    )


TRACKED_REASON = "The store reported this sale itself: its own cashback replaces the claim's."


def _approved_claim_tracked(claim_id: int, now) -> bool:
    """The network paid an approved claim's sale after all: withdraw the claim's credit
    (reject it while pending, reverse it once confirmed) so the shopper is paid once.
    The claim's row lock makes a concurrent run wait and then find it tracked."""
    with transaction.atomic():
        claim = (
            MissingCashbackClaim.objects.select_for_update(of=("self",))
            .select_related("user", "merchant")
            .get(pk=claim_id)
        )
        if claim.status != Status.APPROVED:
            return False
        # Locked, so the confirmation job cannot move it between the read and the undo.
        own = CashbackEvent.objects.select_for_update().filter(pk=claim.cashback_event_id).first()
        if own is not None and own.status == CashbackEvent.Status.PENDING:
            cashback_reject(event=own, reason=TRACKED_REASON)
        elif own is not None and own.status == CashbackEvent.Status.CONFIRMED:
            cashback_reverse(event=own, reason=TRACKED_REASON)
        claim.status, claim.tracked_at = Status.TRACKED, now
        claim.save(update_fields=["status", "tracked_at", "updated_at"])
        notify(
            user=claim.user,
            category=Category.CASHBACK,
            title=f"Your {claim.merchant.name} order was tracked",
            body=f"The store reported order {claim.order_id}: its cashback replaces the "
            f"{claim.currency} {claim.cashback_amount} we credited for your claim.",
            url="/activity/",
            key=f"claim-tracked:{claim.pk}",
        )
    return True


def claims_advance(*, today: date | None = None) -> dict[str, int]:
    """Close open claims whose sale has since arrived (`tracked`: shopper told, ticket
    resolved) and take claims whose store's validation window has passed off ice.
    Set-based and idempotent: a second run, or two at once, changes nothing more."""
    today = today or timezone.localdate()
    now = timezone.now()
    tracked = 0
    while ids := _claims_now_tracked():
        with transaction.atomic():
            # The conditional UPDATE decides which run closes a claim: a concurrent run
            # finds these rows no longer open and moves nothing.
            moved = MissingCashbackClaim.objects.filter(
                pk__in=ids, status__in=MissingCashbackClaim.OPEN_STATUSES
            ).update(status=Status.TRACKED, tracked_at=now, updated_at=now)
            closed = list(
                MissingCashbackClaim.objects.filter(
                    pk__in=ids, status=Status.TRACKED, tracked_at=now
                ).select_related("user", "merchant")
            )
            Ticket.objects.filter(pk__in=[claim.ticket_id for claim in closed]).exclude(
                status__in=(Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
            ).update(status=Ticket.Status.RESOLVED, resolved_at=now, updated_at=now)
            for claim in closed:
                notify(
                    user=claim.user,
                    category=Category.CASHBACK,
                    title=f"Your {claim.merchant.name} order was tracked",
                    body=f"The store reported order {claim.order_id}: the cashback is on its "
                    "way and your claim is closed.",
                    url="/activity/",
                    key=f"claim-tracked:{claim.pk}",
                )
        tracked += moved
        if not moved:
            break
    for claim_id in _approved_claims_now_tracked():
        tracked += _approved_claim_tracked(claim_id, now)
    off_ice = MissingCashbackClaim.objects.filter(
        status=Status.ON_ICE, ice_until__lte=today
    ).update(status=Status.READY, updated_at=now)
    return {"tracked": tracked, "ready": off_ice}
