"""Working a ticket: replies, internal notes, assignment, status moves, merges and the
nightly close of resolved tickets nobody answered. Pages, the API, the admin and the
commands all call these; every status move goes through `transition()` (history row).

Every change locks the ticket row first, so two agents answering at once, or an agent
and the customer, each see the other's status and never undo it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.ratelimit import RateLimit
from accounts.services import audit_log, transition
from accounts.services.transitions import transition_claimed
from config.errors import Conflict, Forbidden, NotFound, Refusal, TooManyAttempts

from ..access import is_support_staff, ticket_visible_to
from ..models import Category, Ticket, TicketMessage
from .attachments import attachments_check, attachments_save
from .notify import notify
from .sla import sla_recompute, sla_resume
from .tickets_open import ticket_open

Status = Ticket.Status
OPEN_TICKETS = RateLimit("support_ticket_account")
# Each reply may carry five files: unlimited replies would be unlimited storage.
REPLIES = RateLimit("support_reply_account")

# Which status may follow which (staff moves; a customer's reply reopens by its own rule).
MOVES = {
    Status.OPEN: {Status.PENDING, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED},
    Status.PENDING: {Status.OPEN, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED},
    Status.ON_HOLD: {Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.PENDING, Status.CLOSED},
    Status.CLOSED: set(),
}
# What each status means, in the requester's words.
PLAIN_STATUS = {
    Status.OPEN: "Open: our support team will answer you.",
    Status.PENDING: "Waiting on you: we answered and need your reply.",
    Status.ON_HOLD: "On hold: we are waiting on someone else (a store or network).",
    Status.RESOLVED: "Resolved: reply if you still need help.",
    Status.CLOSED: "Closed: open a new ticket if you need more help.",
}


class TicketClosed(Conflict):
    code = "ticket_closed"


class BadMove(Conflict):
    code = "invalid_status"


class InvalidAssignee(Refusal):
    code = "invalid_assignee"


class BadMerge(Refusal):
    code = "invalid_merge"


def ticket_url(ticket: Ticket) -> str:
    return reverse("support:ticket", args=[ticket.number])


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _require_staff(actor) -> None:
    if not is_support_staff(actor):
        raise Forbidden("not_support_staff", "Only support staff work on tickets.")


def _status_columns(ticket: Ticket, to: str, now) -> dict:
    """The columns a move to `to` writes beside the status: the SLA pause and the stamps."""
    columns: dict = {}
    if ticket.status == Status.PENDING and to != Status.PENDING:
        columns.update(sla_resume(ticket, now))
    if to == Status.PENDING and ticket.status != Status.PENDING:
        columns["pending_since"] = now
    if to == Status.RESOLVED:
        columns["resolved_at"] = now
    elif to == Status.OPEN:
        columns["resolved_at"] = None
    if to == Status.CLOSED:
        columns["closed_at"] = now
    return columns


def _move(ticket: Ticket, to: str, *, actor, now, reason: str = "") -> bool:
    if to == ticket.status:
        return False
    if to not in MOVES[ticket.status]:
        raise BadMove(
            detail=f"A ticket that is {ticket.get_status_display().lower()} cannot become "
            f"{Status(to).label.lower()}."
        )
    return transition(
        ticket,
        to=to,
        allowed_from=[ticket.status],
        actor=actor,
        reason=reason,
        updates=_status_columns(ticket, to, now),
    )


def _add_message(ticket, *, author, body, internal=False, from_staff=False, checked=()):
    body = (body or "").strip()
    if not body:
        raise Refusal("blank", "Write a message.", "body")
    if len(body) > 10000:
        raise Refusal("max_length", "A message is at most 10,000 characters.", "body")
    message = TicketMessage.objects.create(
        ticket=ticket, author=author, body=body, is_internal=internal, from_staff=from_staff
    )
    attachments_save(message, list(checked))
    return message


def ticket_open_by_requester(
    *, requester, subject: str, category: str, message: str, priority: str = "", files=()
) -> Ticket:
    """A shopper's new ticket (page or API): rate-limited, attachments checked first."""
    subject = (subject or "").strip()
    if not subject:
        raise Refusal("blank", "Give your ticket a subject.", "subject")
    if not (message or "").strip():
        raise Refusal("blank", "Write a message.", "message")
    if category not in Ticket.Category.values:
        raise Refusal("invalid_choice", "Choose a category.", "category")
    priority = priority or Ticket.Priority.NORMAL
    if priority not in Ticket.Priority.values:
        raise Refusal("invalid_choice", "Choose a priority.", "priority")
    checked = attachments_check(files)
    if not OPEN_TICKETS.allows(str(requester.pk)):
        raise TooManyAttempts(
            "too_many_attempts",
            f"You opened many tickets lately. Please wait {OPEN_TICKETS.wait_minutes()} "
            "minutes, or add to one of your open tickets.",
        )
    with transaction.atomic():
        ticket, first = ticket_open(
            requester=requester,
            subject=subject[:200],
            category=category,
            message=message.strip()[:10000],
            priority=priority,
        )
        attachments_save(first, checked)
    return ticket


def ticket_reply_requester(*, ticket: Ticket, author, body: str, files=()) -> TicketMessage:
    """The requester answers: a pending or resolved ticket opens again (the SLA clock
    runs again); a closed one is over."""
    if author.pk != ticket.requester_id or not ticket_visible_to(author, ticket):
        raise NotFound("not_found", "No such ticket.")
    checked = attachments_check(files)
    if not REPLIES.allows(str(author.pk)):
        raise TooManyAttempts(
            "too_many_attempts",
            f"You replied many times lately. Please wait {REPLIES.wait_minutes()} minutes.",
        )
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == Status.CLOSED:
            raise TicketClosed(detail="This ticket is closed: open a new one.")
        message = _add_message(ticket, author=author, body=body, checked=checked)
        if ticket.status in (Status.PENDING, Status.RESOLVED):
            _move(ticket, Status.OPEN, actor=author, now=now, reason="customer replied")
        Ticket.objects.filter(pk=ticket.pk).update(last_customer_message_at=now, updated_at=now)
    return message


def ticket_reply_staff(
    *, ticket: Ticket, actor, body: str, status: str = "", files=(), request=None
) -> TicketMessage:
    """A staff answer the requester reads: the first one stops the first-response clock;
    the ticket then waits on the customer unless staff chose another status. The
    requester hears about it in the app and by email."""
    _require_staff(actor)
    checked = attachments_check(files)
    now = timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == Status.CLOSED:
            raise TicketClosed(detail="This ticket is closed.")
        message = _add_message(ticket, author=actor, body=body, from_staff=True, checked=checked)
        stamps = {"last_staff_message_at": now, "updated_at": now}
        if ticket.first_responded_at is None:
            stamps["first_responded_at"] = now
        Ticket.objects.filter(pk=ticket.pk).update(**stamps)
        _move(ticket, status or Status.PENDING, actor=actor, now=now, reason="staff replied")
        audit_log(
            actor=actor,
            action="ticket.reply",
            entity=ticket,
            metadata={"message": message.pk, "status": status or Status.PENDING},
            request=request,
        )
        notify(
            user=ticket.requester,
            category=Category.SUPPORT,
            title=f"New reply on {ticket.number}",
            body=f"{ticket.subject}: {message.body}"[:500],
            url=ticket_url(ticket),
            key=f"ticket-reply:{message.pk}",
            email_template="ticket_reply",
            context={"ticket": ticket, "message": message},
        )
    return message


def ticket_note_add(*, ticket: Ticket, actor, body: str, files=(), request=None) -> TicketMessage:
    """An internal note: staff only. It neither stops an SLA clock nor moves the status,
    and the requester is never told (no notice, no email, never on their pages)."""
    _require_staff(actor)
    checked = attachments_check(files)
    with transaction.atomic():
        ticket = _locked(ticket)
        message = _add_message(
            ticket, author=actor, body=body, internal=True, from_staff=True, checked=checked
        )
        audit_log(
            actor=actor,
            action="ticket.note",
            entity=ticket,
            metadata={"message": message.pk},
            request=request,
        )
    return message


def ticket_set_status(*, ticket: Ticket, to: str, actor, reason: str = "", request=None) -> bool:
    _require_staff(actor)
    if to not in Status.values:
        raise BadMove(detail=f"No status {to!r}.")
    with transaction.atomic():
        ticket = _locked(ticket)
        moved = _move(ticket, to, actor=actor, now=timezone.now(), reason=reason)
        if moved:
            audit_log(
                actor=actor,
                action=f"ticket.{to}",
                entity=ticket,
                metadata={"reason": reason} if reason else {},
                request=request,
            )
    return moved


def ticket_resolve(*, ticket: Ticket, actor, reason: str = "", request=None) -> bool:
    return ticket_set_status(
        ticket=ticket, to=Status.RESOLVED, actor=actor, reason=reason, request=request
    )


def ticket_assign(*, ticket: Ticket, assignee, actor, request=None) -> bool:
    """Give the ticket to an active staff member who handles tickets (None: unassign)."""
    _require_staff(actor)
    if assignee is not None and not is_support_staff(assignee):
        raise InvalidAssignee(
            detail=f"Cannot assign to {assignee.email}: they do not handle support tickets.",
            field="assignee",
        )
    with transaction.atomic():
        ticket = _locked(ticket)
        new = assignee.pk if assignee is not None else None
        if ticket.assignee_id == new:
            return False
        Ticket.objects.filter(pk=ticket.pk).update(assignee_id=new, updated_at=timezone.now())
        audit_log(
            actor=actor,
            action="ticket.assign",
            entity=ticket,
            metadata={"from": ticket.assignee_id, "to": new},
            request=request,
        )
    return True


def ticket_set_priority(*, ticket: Ticket, priority: str, actor, request=None) -> bool:
    """A new priority: both due times counted again from the ticket's opening."""
    _require_staff(actor)
    if priority not in Ticket.Priority.values:
        raise Refusal("invalid_choice", f"No priority {priority!r}.", "priority")
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.priority == priority:
            return False
        was = ticket.priority
        ticket.priority = priority
        Ticket.objects.filter(pk=ticket.pk).update(priority=priority, **sla_recompute(ticket))
        audit_log(
            actor=actor,
            action="ticket.priority",
            entity=ticket,
            metadata={"from": was, "to": priority},
            request=request,
        )
    return True


def ticket_merge(*, source: Ticket, target: Ticket, actor, request=None) -> bool:
    """Fold a duplicate into the ticket staff keep: the duplicate's messages move to the
    target, the duplicate is closed with `merged_into`. Only one requester's tickets."""
    _require_staff(actor)
    if source.pk == target.pk:
        raise BadMerge(detail="A ticket cannot be merged into itself.")
    now = timezone.now()
    with transaction.atomic():
        # Both rows locked in id order: two merges crossing each other cannot deadlock.
        locked = {
            t.pk: t
            for t in Ticket.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        source, target = locked[source.pk], locked[target.pk]
        if source.requester_id != target.requester_id:
            raise BadMerge(detail="Only tickets of the same requester can be merged.")
        if target.merged_into_id is not None or source.merged_into_id is not None:
            raise BadMerge(detail="A merged ticket cannot be merged again, or merged into.")
        if source.status == Status.CLOSED:
            raise BadMerge(detail=f"{source.number} is closed already.")
        if target.status == Status.CLOSED:
            raise BadMerge(detail=f"{target.number} is closed: merge into an open ticket.")
        moved = TicketMessage.objects.filter(ticket=source).update(ticket=target)
        TicketMessage.objects.create(
            ticket=target,
            author=actor,
            body=f"Merged {moved} message(s) from {source.number} ({source.subject}).",
            is_internal=True,
            from_staff=True,
        )
        transition(
            source,
            to=Status.CLOSED,
            allowed_from=[source.status],
            actor=actor,
            reason=f"merged into {target.number}",
            updates={"merged_into": target, "closed_at": now, "pending_since": None},
        )
        audit_log(
            actor=actor,
            action="ticket.merge",
            entity=source,
            metadata={"into": target.pk, "messages": moved},
            request=request,
        )
    return True


def tickets_close_stale(now=None) -> dict:
    """Resolved tickets with no message for SUPPORT_STALE_CLOSE_DAYS close themselves.
    Claimed under a skip-locked lock and moved in one UPDATE with their history, in
    batches: a second run, or one running beside it, closes nothing twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SUPPORT_STALE_CLOSE_DAYS)
    recent = TicketMessage.objects.filter(ticket=OuterRef("pk"), created_at__gt=cutoff)
    closed = 0
    while True:
        with transaction.atomic():
            pks = list(
                Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
                .exclude(Exists(recent))
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:500]
            )
            if not pks:
                break
            closed += transition_claimed(
                Ticket,
                pks,
                was=Status.RESOLVED,
                to=Status.CLOSED,
                reason=f"no reply for {settings.SUPPORT_STALE_CLOSE_DAYS} days",
                updates={"closed_at": now},
            )
    return {"closed": closed}
