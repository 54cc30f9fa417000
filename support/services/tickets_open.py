"""Opening a ticket: the one way a ticket comes to be, for the support pages, the API and
missing-cashback claims (which are tickets with structured fields)."""

from django.db import transaction
from django.utils import timezone

from ..models import Ticket, TicketMessage
from .sla import sla_start


def ticket_number(pk: int) -> str:
    return f"SB-T{pk:06d}"


def ticket_open(
    *,
    requester,
    subject: str,
    category: str,
    message: str,
    priority: str = Ticket.Priority.NORMAL,
) -> tuple[Ticket, TicketMessage]:
    """Create the ticket, its number and its first message in one transaction. Callers
    check their own input (and rate limits) first; attachments are added to the message
    after."""
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket(
            requester=requester,
            subject=subject,
            category=category,
            priority=priority,
            last_customer_message_at=now,
        )
        sla_start(ticket, now)
        ticket.save()
        ticket.number = ticket_number(ticket.pk)
        ticket.save(update_fields=["number"])
        first = TicketMessage.objects.create(ticket=ticket, author=requester, body=message)
    return ticket, first
