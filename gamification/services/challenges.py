"""Challenges: shoppers enter with a proof link; staff approve (which pays the prize and
awards points) or reject. The winner slots are a counter on the challenge moved by one
conditional UPDATE that stops at max_winners: two staff approving the last slot at once
make one winner and one refusal, whatever the timing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict, Forbidden, NotFound, Refusal
from support.models import Category
from support.services import notify

from ..models import Challenge, ChallengeEntry
from .bonus_money import CHALLENGE, BonusPayment, pay_bonus
from .eligibility import refuse_unless_eligible
from .points import points_award

_URL = URLValidator(schemes=["http", "https"])


class ChallengeClosed(Conflict):
    code = "challenge_closed"


class AlreadyEntered(Conflict):
    code = "already_entered"


class NoWinnerSlots(Conflict):
    code = "no_winner_slots"


class InvalidProofUrl(Refusal):
    code = "invalid_url"


def challenges_visible():
    """What shoppers see: live and closed challenges, never drafts."""
    return Challenge.objects.exclude(status=Challenge.Status.DRAFT)


def challenge_is_open(challenge: Challenge, now=None) -> bool:
    now = now or timezone.now()
    return (
        challenge.status == Challenge.Status.LIVE and challenge.starts_at <= now < challenge.ends_at
    )


def challenge_enter(*, challenge_id: int, user, proof_url: str, note: str = "") -> ChallengeEntry:
    challenge = challenges_visible().filter(pk=challenge_id).first()
    if challenge is None:
        raise NotFound("not_found", "No such challenge.")
    if not user.email_verified:
        # A prize is money: the same gate as a withdrawal.
        raise Forbidden("email_not_verified", "Verify your email address before you enter.")
    if not challenge_is_open(challenge):
        raise ChallengeClosed(detail="This challenge does not take entries now.")
    proof_url = (proof_url or "").strip()
    try:
        if len(proof_url) > 500:
            raise ValidationError("too long")
        _URL(proof_url)
    except ValidationError:
        raise InvalidProofUrl(
            detail="Give a link starting with http:// or https:// (at most 500 characters).",
            field="proof_url",
        ) from None
    if len(note) > 1000:
        raise Refusal("invalid", "The note is at most 1,000 characters.", "note")
    try:
        with transaction.atomic():
            return ChallengeEntry.objects.create(
                challenge=challenge, user=user, proof_url=proof_url, note=note
            )
    except IntegrityError:
        raise AlreadyEntered(detail="You have already entered this challenge.") from None


def challenge_entry_approve(
    *, entry: ChallengeEntry, actor, request=None, reason: str = ""
) -> bool:
    """Approve a pending entry: take a winner slot, pay the prize, award the points.
    False when the entry is no longer pending; NoWinnerSlots when the slots are gone."""
    refuse_own_account(actor=actor, owner_id=entry.user_id, doing="approve a challenge entry")
    with transaction.atomic():
        entry = (
            ChallengeEntry.objects.select_for_update()
            .select_related("challenge", "user")
            .get(pk=entry.pk)
        )
        if entry.status != ChallengeEntry.Status.PENDING:
            return False
        # Entered while in good standing, suspended or deleted since: no prize, no slot.
        refuse_unless_eligible(entry.user)
        challenge = entry.challenge
        taken = Challenge.objects.filter(
            pk=challenge.pk, winners_count__lt=F("max_winners")
        ).update(winners_count=F("winners_count") + 1)
        if not taken:
            raise NoWinnerSlots(
                detail=f"{challenge.title} already has its {challenge.max_winners} winner(s)."
            )
        transition(
            entry,
            to=ChallengeEntry.Status.APPROVED,
            allowed_from=[ChallengeEntry.Status.PENDING],
            actor=actor,
            reason=reason,
            updates={"decided_by": actor, "decided_at": timezone.now(), "reason": reason},
        )
        key = f"challenge:{challenge.pk}:{entry.user_id}"
        pay_bonus(
            BonusPayment(
                entry.user_id,
                challenge.prize_amount,
                CHALLENGE,
                key,
                f"Challenge won: {challenge.title}",
                f"challenge:{challenge.pk}",
            ),
            actor=actor,
        )
        points_award(
            user=entry.user,
            kind="challenge",
            points=settings.CHALLENGE_POINTS,
            idempotency_key=key,
            reference=f"challenge:{challenge.pk}",
            description=f"Completed {challenge.title}",
        )
        audit_log(actor=actor, action="challengeentry.approve", entity=entry, request=request)
        notify(
            user=entry.user,
            category=Category.REWARDS,
            title=f"Your entry to {challenge.title} was approved",
            body=f"The prize of {challenge.prize_amount} is in your balance.",
            url="/challenges/",
            key=f"challenge-approved:{entry.pk}",
        )
    return True


def challenge_entry_reject(*, entry: ChallengeEntry, actor, request=None, reason: str = "") -> bool:
    refuse_own_account(actor=actor, owner_id=entry.user_id, doing="reject a challenge entry")
    if not reason:
        raise Refusal("reason_required", "Give a reason: the shopper sees it.", "reason")
    with transaction.atomic():
        moved = transition(
            entry,
            to=ChallengeEntry.Status.REJECTED,
            allowed_from=[ChallengeEntry.Status.PENDING],
            actor=actor,
            reason=reason,
            updates={"decided_by": actor, "decided_at": timezone.now(), "reason": reason},
        )
        if moved:
            audit_log(actor=actor, action="challengeentry.reject", entity=entry, request=request)
            notify(
                user=entry.user,
                category=Category.REWARDS,
                title=f"Your entry to {entry.challenge.title} was not approved",
                body=reason,
                url="/challenges/",
                key=f"challenge-rejected:{entry.pk}",
            )
    return moved
