import re
import unicodedata
from datetime import timedelta

from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..emails import email_queue, verification_email_queue
from ..models import User, UserKyc, UserSession
from ..refusals import AccountConflict, AccountRefused, refused_from_validation
from ..signals import account_closed, account_purged
from ..tokens import read_email_verification_token
from .audit import audit_log
from .referrals import referral_create, referral_resolve
from .sessions import session_revoke_all
from .transitions import transition

# Staff may move an account only along these edges; anything else is refused.
STATUS_MOVES = {
    "suspend": (
        {User.Status.ACTIVE, User.Status.PENDING_VERIFICATION, User.Status.INACTIVE},
        User.Status.SUSPENDED,
    ),
    "reactivate": ({User.Status.SUSPENDED, User.Status.INACTIVE}, User.Status.ACTIVE),
    "deactivate": (
        {User.Status.ACTIVE, User.Status.PENDING_VERIFICATION},
        User.Status.INACTIVE,
    ),
}

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "avatar",
    # The shopper's calendar for daily bonuses, and how standings show them.
    "time_zone",
    "public_name",
    "leaderboard_hidden",
)


# Names that would pass a shopper off as us on the standings ("SaveBucks Staff",
# fullwidth letters, "Admin"), compared letters and digits only, after NFKC and casefold.
# Only the brand anywhere: "Staffordshire Dan" is a fine name, "Staff" alone is not.
_RESERVED_NAMES = {"admin", "administrator", "staff", "support", "supportteam", "moderator"}


def validate_public_name(value: str) -> None:
    """Standings never show an email address, not even one a shopper typed as a name, nor
    a name posing as the platform, nor invisible or direction-changing characters."""
    if "@" in value:
        raise ValidationError("A public name cannot contain '@'.")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") for char in value):
        raise ValidationError("A public name cannot contain invisible or control characters.")
    plain = re.sub(r"[\W_]", "", unicodedata.normalize("NFKC", value).casefold())
    if "savebucks" in plain or plain in _RESERVED_NAMES:
        raise ValidationError("Choose a name that does not pose as SaveBucks or its staff.")


def user_signup(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    referral_code: str = "",
    base_url: str,
) -> User:
    """Create a shopper (pending verification), link the referrer, send the verification
    link. A bad referral code refuses the whole signup so the shopper can fix it."""
    email = User.objects.normalize_email(email)
    referrer = referral_resolve(code=referral_code, email=email) if referral_code else None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                referred_by=referrer,
            )
            if referrer is not None:
                referral_create(referrer=referrer, referred=user)
            verification_email_queue(user=user, base_url=base_url)
    except IntegrityError as exc:
        # Two signups raced for one address: the unique index decided.
        raise AccountRefused(
            "email_taken", "An account with this email already exists.", field="email"
        ) from exc
    return user


def user_verify_email(*, token: str) -> tuple[User, bool]:
    """Mark the address in `token` verified. Returns (user, whether this call verified it)."""
    user_id, email = read_email_verification_token(token)
    user = User.objects.filter(pk=user_id, email=email, deleted_at__isnull=True).first()
    if user is None:
        raise AccountRefused("invalid", "This verification link is not valid.")
    # Conditional updates: a second click of the same link changes nothing.
    with transaction.atomic():
        verified = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
            email_verified_at=timezone.now()
        )
        transition(
            user,
            to=User.Status.ACTIVE,
            allowed_from={User.Status.PENDING_VERIFICATION},
            actor=user,
            reason="Email address verified.",
        )
    user.refresh_from_db(fields=["email_verified_at", "status"])
    return user, bool(verified)


def user_verification_resend(*, user: User, base_url: str) -> None:
    if user.email_verified:
        raise AccountConflict("already_verified", "Your email address is already verified.")
    verification_email_queue(user=user, base_url=base_url)


def user_update(*, user: User, actor: User, data: dict, request=None) -> User:
    """Change profile fields; staff edits of someone else are audited."""
    changed = [
        name for name in PROFILE_FIELDS if name in data and getattr(user, name) != data[name]
    ]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        try:
            user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise refused_from_validation(exc) from exc
        user.save(update_fields=[*changed, "updated_at"])
        if actor.pk != user.pk:
            audit_log(
                actor=actor,
                action="user.update",
                entity=user,
                metadata={"fields": changed},
                request=request,
            )
    return user


def user_set_status(*, user: User, move: str, actor: User, reason: str = "", request=None) -> bool:
    """Suspend, reactivate or deactivate an account. False if the move does not apply to
    the account's current status (nothing is written then)."""
    allowed_from, target = STATUS_MOVES[move]
    if move == "reactivate" and user.email_verified_at is None:
        target = User.Status.PENDING_VERIFICATION
    with transaction.atomic():
        previous = user.status
        if not transition(
            user,
            to=target,
            allowed_from=allowed_from,
            actor=actor,
            reason=reason,
            updates={"updated_at": timezone.now()},
        ):
            return False
        audit_log(
            actor=actor,
            action=f"user.{move}",
            entity=user,
            metadata={"from": previous, "to": target, "reason": reason},
            request=request,
        )
    if target in (User.Status.SUSPENDED, User.Status.INACTIVE):
        session_revoke_all(user=user)
    return True


def user_soft_delete(*, user: User, actor: User, request=None) -> bool:
    """Close an account: it can no longer log in; the row stays for the ledger."""
    with transaction.atomic():
        deleted = User.objects.filter(pk=user.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now()
        )
        if not deleted:
            return False
        audit_log(actor=actor, action="user.delete", entity=user, request=request)
        email_queue(to=user.email, template="account_deleted", context={"user": user})
        transaction.on_commit(lambda: account_closed.send(sender=User, user=user))
    session_revoke_all(user=user)
    user.refresh_from_db(fields=["deleted_at"])
    return True


def users_purge_closed(*, days: int, dry_run: bool = False) -> int:
    """Anonymise accounts closed more than `days` days ago (each as user_purge does);
    returns how many (dry: would be)."""
    cutoff = timezone.now() - timedelta(days=days)
    due = User.objects.filter(deleted_at__lt=cutoff).exclude(email__endswith="@deleted.invalid")
    count = 0
    for user in due.iterator():
        if not dry_run:
            user_purge(user=user)
        count += 1
    return count


def user_purge(*, user: User) -> User:
    """Anonymise a soft-deleted account so its email can be used again."""
    if user.deleted_at is None:
        raise AccountConflict("not_deleted", "Only deleted accounts can be purged.")
    with transaction.atomic():
        account_purged.send(sender=User, user_id=user.pk, email=user.email)
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.first_name = user.last_name = user.phone = ""
        user.avatar = ""
        user.last_login_ip = None
        user.set_unusable_password()
        user.save()
        UserKyc.objects.filter(user=user).delete()
        UserSession.objects.filter(user=user).delete()
        # Linked Google/Facebook logins: their profile copy (name, email, picture) goes
        # with the rest, and the provider account may sign up afresh.
        SocialAccount.objects.filter(user=user).delete()
        audit_log(actor=None, action="user.purge", entity=user)
    return user
