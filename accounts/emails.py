"""Transactional emails: rendered here, delivered by a task once the transaction commits."""

from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse

from .tasks import send_email
from .tokens import email_verification_token


def render_plain(template: str, context: dict) -> str:
    """A plain-text email template rendered without HTML escaping: no HTML part is ever
    built from it, so "H&M" and "O'Brien" must arrive as written."""
    return get_template(template).template.render(Context(context, autoescape=False))


def email_queue(*, to: str, template: str, context: dict) -> None:
    """Render `emails/<template>_subject.txt` and `_body.txt`; send after commit."""
    subject = " ".join(render_plain(f"emails/{template}_subject.txt", context).split())
    body = render_plain(f"emails/{template}_body.txt", context)
    transaction.on_commit(lambda: send_email.delay(to=[to], subject=subject, body=body))


def verification_email_queue(*, user, base_url: str) -> None:
    path = reverse("accounts:verify-email", args=[email_verification_token(user)])
    email_queue(
        to=user.email,
        template="verify_email",
        context={"user": user, "verify_url": base_url.rstrip("/") + path},
    )


def payout_details_changed_email_queue(*, user, where: str) -> None:
    """Tell the account holder their payout details changed: if it was not them, they
    learn it before the money leaves (the change itself needs only a session and the
    password). Sent as a security notification by support (in the app and by email,
    with the `payout_details_changed` template), which accounts does not import."""
    from .signals import payout_details_changed

    payout_details_changed.send(sender=type(user), user=user, where=where)
