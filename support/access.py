"""Who may see a ticket: its requester, and active staff holding support.handle_ticket.

The one check. Pages, API views, attachment downloads and the admin all call these
(django-helpdesk's advisories were views that each checked something different). Anyone
else gets "not found", never "forbidden": a ticket's existence is not theirs to learn.
"""

from django.db.models import QuerySet

from .models import Ticket

HANDLE_TICKETS = "support.handle_ticket"


def is_support_staff(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm(HANDLE_TICKETS)
    )


def tickets_visible_to(user) -> QuerySet[Ticket]:
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if is_support_staff(user):
        return Ticket.objects.all()
    return Ticket.objects.filter(requester=user)


def ticket_visible_to(user, ticket: Ticket) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return ticket.requester_id == user.pk or is_support_staff(user)
