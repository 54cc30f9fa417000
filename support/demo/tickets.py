"""The demo's support desk: an agent in the Support department and two tickets of the
demo shopper, one answered by the agent (waiting on the shopper) and one still open.
Idempotent: a second run finds them by subject and changes nothing."""

from django.contrib.auth.models import Group

from accounts.demo import demo_user
from accounts.models import Department, User

from ..models import CannedReply, Ticket
from ..services.tickets import ticket_reply_staff
from ..services.tickets_open import ticket_open

AGENT_EMAIL = "support@savebucks.test"
AGENT_PASSWORD = "support-pass-123"  # noqa: S105 (published demo password, as README)
SHOPPER_EMAIL = "demo@savebucks.test"
ANSWERED = "Cashback from Acme not showing yet"
OPEN = "How do I change my payout method?"
# The answers agents give most, offered in the reply box's canned-reply picker.
CANNED = {
    "Sales take a few days to arrive": "Stores report sales to us within a few days of the "
    "order. If yours is not under Activity after the store's wait period, file a "
    "missing-cashback claim from the trip's row in Activity.",
    "Changing payout details": "Add or change your payout details on the withdrawal page; "
    "new details ask for your password once, and we email you about the change.",
}


def seed() -> list[str]:
    agent = demo_user(
        email=AGENT_EMAIL,
        password=AGENT_PASSWORD,
        first_name="Sam",
        last_name="Support",
        is_staff=True,
    )
    agent.groups.add(Group.objects.get(name="Support agent"))
    department, _ = Department.objects.get_or_create(
        slug="support", defaults={"name": "Support", "description": "Shopper support"}
    )
    department.members.add(agent)
    shopper = User.objects.get(email=SHOPPER_EMAIL)
    agent = User.objects.get(pk=agent.pk)  # fresh permission cache after the group
    if not Ticket.objects.filter(requester=shopper, subject=ANSWERED).exists():
        ticket, _ = ticket_open(
            requester=shopper,
            subject=ANSWERED,
            category=Ticket.Category.MISSING_CASHBACK,
            message="I bought shoes at Acme three days ago and the cashback is not in my "
            "activity. Order 10023.",
        )
        Ticket.objects.filter(pk=ticket.pk).update(department=department, assignee=agent)
        ticket_reply_staff(
            ticket=ticket,
            actor=agent,
            body="Thanks! Stores report sales within a few days. If it is not there after "
            "the store's wait period, file a missing-cashback claim from Activity.",
        )
    if not Ticket.objects.filter(requester=shopper, subject=OPEN).exists():
        ticket, _ = ticket_open(
            requester=shopper,
            subject=OPEN,
            category=Ticket.Category.PAYMENT,
            message="I want to be paid by bank transfer instead of UPI.",
        )
        Ticket.objects.filter(pk=ticket.pk).update(department=department)
    for title, body in CANNED.items():
        CannedReply.objects.get_or_create(title=title, defaults={"body": body})
    return [f"support  {AGENT_EMAIL} / {AGENT_PASSWORD}"]
