"""Partner applications, staff decisions, and the partner's own payout details."""

import json

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.emails import payout_details_changed_email_queue
from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from accounts.services.reauth import password_recheck
from config.errors import Refusal
from support.models import Category
from support.services import notify

from ..models import Partner

Status = Partner.Status

# Staff decisions: the statuses each may start from, and where it leads.
DECISIONS = {
    "approve": ({Status.PENDING, Status.REJECTED}, Status.APPROVED),
    "reject": ({Status.PENDING}, Status.REJECTED),
    "suspend": ({Status.APPROVED}, Status.SUSPENDED),
    "reinstate": ({Status.SUSPENDED}, Status.APPROVED),
}
# What the partner is told, in the app and by email (the `partner_decision` template).
_PARTNER_NEWS = {
    Status.APPROVED: "Your partner account is approved",
    Status.REJECTED: "Your partner application was not approved",
    Status.SUSPENDED: "Your partner account is suspended",
}
PAYOUT_METHODS = {"paypal": ("paypal_email",), "bank": ("account_holder", "iban", "bank_name")}


class PartnerRefused(Refusal):
    pass


def partner_apply(
    *, user, name: str, company: str = "", website: str = "", traffic_sources: str
) -> Partner:
    """Apply to become a partner (once; a rejected applicant may apply again)."""
    if not user.email_verified:  # partners are paid: the same gate as withdrawals
        raise PartnerRefused("email_not_verified", "Verify your email address before you apply.")
    existing = Partner.objects.filter(user=user).first()
    if existing and existing.status != Status.REJECTED:
        raise PartnerRefused(
            "already_applied", f"You already applied ({existing.get_status_display()})."
        )
    fields = {
        "name": name.strip(),
        "company": company.strip(),
        "website": website.strip(),
        "traffic_sources": traffic_sources.strip(),
        "status_reason": "",
    }
    try:
        with transaction.atomic():
            if existing is None:
                return Partner.objects.create(user=user, status=Status.PENDING, **fields)
            # A rejected partner may apply again, once: a second tab finds it pending.
            if not transition(
                existing,
                to=Status.PENDING,
                allowed_from={Status.REJECTED},
                actor=user,
                reason="Applied again.",
                updates=fields,
            ):
                raise PartnerRefused("already_applied", "You already applied.")
            existing.refresh_from_db()
            return existing
    except IntegrityError as exc:  # two tabs applying at once
        raise PartnerRefused("already_applied", "You already applied.") from exc


def partner_decide(
    *, partner: Partner, decision: str, actor, reason: str = "", request=None
) -> bool:
    """Approve, reject, suspend or reinstate; audited; the partner is told by email."""
    allowed, target = DECISIONS[decision]
    if decision in ("reject", "suspend") and not reason.strip():
        raise PartnerRefused("reason_required", "Say why: the partner will read it.")
    refuse_own_account(actor=actor, owner_id=partner.user_id, doing="decide a partner account")
    now = timezone.now()
    with transaction.atomic():
        fields = {"status_reason": reason, "updated_at": now}
        if target == Status.APPROVED:
            fields["approved_at"] = now
        if not transition(
            partner, to=target, allowed_from=allowed, actor=actor, reason=reason, updates=fields
        ):
            return False
        partner.refresh_from_db()
        audit_log(
            actor=actor,
            action=f"partner.{decision}",
            entity=partner,
            metadata={"reason": reason},
            request=request,
        )
        notify(
            user=partner.user,
            category=Category.PARTNER,
            title=_PARTNER_NEWS[partner.status],
            body=reason,
            url=reverse("affiliates:dashboard"),
            key=f"partner-decision:{partner.pk}:{decision}:{now.isoformat()}",
            email_template="partner_decision",
            context={"partner": partner, "decision": decision},
        )
    return True


def partner_set_payout(
    *,
    partner: Partner,
    method: str,
    details: dict,
    tax_id: str,
    password: str,
    actor=None,
    request=None,
) -> Partner:
    """Where the partner is paid. Changing it needs the password of whoever changes it
    (the account holder, or a team admin: `actor`; rate-limited, failures audited) and
    the account holder is told by email: the money is theirs."""
    actor = actor or partner.user
    password_recheck(user=actor, password=password, purpose="partner_payout", request=request)
    if method not in PAYOUT_METHODS:
        raise PartnerRefused("invalid_method", f"Choose one of {', '.join(PAYOUT_METHODS)}.")
    missing = [f for f in PAYOUT_METHODS[method] if not str(details.get(f, "")).strip()]
    if missing:
        raise PartnerRefused("missing_detail", f"Missing {', '.join(missing)}.")
    partner.payout_method = method
    partner.payout_details = json.dumps(
        {f: str(details[f]).strip() for f in PAYOUT_METHODS[method]}
    )
    partner.tax_id = tax_id.strip()
    partner.save(update_fields=["payout_method", "payout_details", "tax_id", "updated_at"])
    audit_log(actor=actor, action="partner.payout_details", entity=partner)
    payout_details_changed_email_queue(user=partner.user, where="partner payouts")
    return partner
