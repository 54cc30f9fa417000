"""Social login rules: which account a provider login reaches, linking and unlinking.

allauth proves who the person is at Google or Facebook; these functions decide what that
proof may do here. The one rule that matters most: an existing account is reached through
its email only when the provider says the address is verified AND we verified it too.
Otherwise anyone who can make a provider account claim an address (Facebook does not
verify them; a self-hosted Google Workspace can claim any) could log into, or link
themselves to, the account of whoever signed up here with that address.
"""

from dataclasses import dataclass

from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict, NotFound, Refusal

from ..emails import email_queue, verification_email_queue
from ..models import User
from ..social.providers import provider_name
from .audit import audit_log
from .referrals import referral_create, referral_resolve
from .sessions import session_revoke_all
from .transitions import transition


class SocialRefused(Refusal):
    pass


class SocialConflict(SocialRefused, Conflict):
    pass


class SocialNotFound(SocialRefused, NotFound):
    pass


@dataclass(frozen=True)
class ProviderIdentity:
    """What the provider told us about the person (allauth's SocialLogin, flattened)."""

    provider: str
    uid: str
    email: str
    email_verified: bool
    first_name: str = ""
    last_name: str = ""

    @property
    def provider_name(self) -> str:
        return provider_name(self.provider)


def _login_changed_email_queue(*, user: User, account: SocialAccount, linked: bool) -> None:
    """Tell the account holder: a login they did not add is someone else's way in."""
    email_queue(
        to=user.email,
        template="social_login_changed",
        context={
            "user": user,
            "provider": provider_name(account.provider),
            "provider_email": (account.extra_data or {}).get("email", ""),
            "linked": linked,
        },
    )


def _audit_link(*, user: User, account: SocialAccount, via: str, request) -> None:
    audit_log(
        actor=user,
        action="user.social_link",
        entity=user,
        metadata={"provider": account.provider, "uid": account.uid, "via": via},
        request=request,
    )
    if via != "signup":  # a new account's welcome says it all
        _login_changed_email_queue(user=user, account=account, linked=True)


def social_account_for(*, identity: ProviderIdentity) -> SocialAccount | None:
    return (
        SocialAccount.objects.select_related("user")
        .filter(provider=identity.provider, uid=identity.uid)
        .first()
    )


def social_existing_user(*, identity: ProviderIdentity) -> User | None:
    """The account a not-yet-linked provider login would reach through its email, or None
    when the address is free. Refuses when the address is taken but may not be reached
    that way (the account-takeover rule in this module's docstring)."""
    if not identity.email:
        raise SocialRefused(
            "email_missing",
            f"{identity.provider_name} did not share an email address with us. "
            "Please sign up with your email address instead.",
        )
    user = User.objects.filter(email=User.objects.normalize_email(identity.email)).first()
    if user is None:
        return None
    if not (identity.email_verified and user.email_verified and user.is_active):
        # Same words whatever the reason: whoever is trying learns nothing about the
        # account beyond what the password sign-up form already says (the email is taken).
        raise SocialConflict(
            "account_exists",
            f"An account with {user.email} already exists. Log in with your password, "
            f"then link {identity.provider_name} on your profile page.",
        )
    return user


def social_account_link(
    *, user: User, account: SocialAccount, via: str, request=None
) -> SocialAccount:
    """Link a provider account (allauth's unsaved SocialAccount) to `user`; audited.
    Linking one that is already this user's changes nothing."""
    if account.pk is not None:
        if account.user_id == user.pk:
            return account
        raise SocialConflict(
            "linked_elsewhere",
            f"This {provider_name(account.provider)} account is already linked to another "
            "SaveBucks account.",
        )
    account.user = user
    try:
        with transaction.atomic():
            account.save()
            _audit_link(user=user, account=account, via=via, request=request)
            if via == "verified_email":
                social_logins_unproven_drop(user=user, keep=account, request=request)
    except IntegrityError as exc:
        # Two tabs finished the same provider login at once: the unique (provider, uid)
        # index decided; the other one linked it.
        account.pk = None
        raise SocialConflict(
            "linked_elsewhere",
            f"This {provider_name(account.provider)} account is already linked.",
        ) from exc
    return account


def _proves_address(account: SocialAccount, email: str) -> bool:
    """Did the provider say, when this login was linked, that it owns `email`? (Its
    profile copy, as allauth reads it: Google's `email_verified`; Facebook never says.)"""
    data = account.extra_data or {}
    verified = data.get("email_verified", data.get("verified_email"))
    claimed = User.objects.normalize_email(str(data.get("email") or ""))
    return claimed == email and str(verified).lower() == "true"


def _linked_before_the_address_was_proved(account: SocialAccount, user: User) -> bool:
    verified_at = user.email_verified_at
    return verified_at is None or account.date_joined < verified_at


def social_logins_unproven_drop(
    *, user: User, keep: SocialAccount | None = None, request=None
) -> int:
    """The address's owner has just proved it (a password reset link, or a provider that
    verifies it reaching the account through it). Logins linked before our address was
    verified that never proved it themselves were added by someone who never showed they
    own it: on an account made through Facebook with someone else's address (account
    pre-hijacking), that is the attacker's way back in. Unlinked (audited, the holder
    told) and every session ended; returns how many. Logins linked from the profile once
    the address was verified were linked by the holder, and stay."""
    others = SocialAccount.objects.filter(user=user)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    dropped = [
        other
        for other in others
        if not _proves_address(other, user.email)
        and _linked_before_the_address_was_proved(other, user)
    ]
    if not dropped:
        return 0
    SocialAccount.objects.filter(pk__in=[other.pk for other in dropped]).delete()
    for other in dropped:
        audit_log(
            actor=user,
            action="user.social_unlink",
            entity=user,
            metadata={"provider": other.provider, "uid": other.uid, "via": "address_proved"},
            request=request,
        )
        _login_changed_email_queue(user=user, account=other, linked=False)
    session_revoke_all(user=user)
    return len(dropped)


def user_social_signup(
    *,
    identity: ProviderIdentity,
    account: SocialAccount,
    referral_code: str = "",
    base_url: str,
    request=None,
) -> User:
    """Create a shopper from a provider login, with the provider account linked and no
    password. A provider-verified email is verified here too (no link to click); an
    unverified one gets our verification link, as a password sign-up does. A referral
    code is honoured, and refused, exactly as on the password sign-up."""
    email = User.objects.normalize_email(identity.email)
    referrer = referral_resolve(code=referral_code, email=email) if referral_code else None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=None,  # unusable: the provider is the way in until one is set
                first_name=identity.first_name[:150],
                last_name=identity.last_name[:150],
                referred_by=referrer,
            )
            if referrer is not None:
                referral_create(referrer=referrer, referred=user)
            if identity.email_verified:
                User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
                transition(
                    user,
                    to=User.Status.ACTIVE,
                    allowed_from={User.Status.PENDING_VERIFICATION},
                    actor=user,
                    reason=f"Email address verified by {identity.provider_name}.",
                )
            else:
                verification_email_queue(user=user, base_url=base_url)
            account.user = user
            account.save()
            _audit_link(user=user, account=account, via="signup", request=request)
    except IntegrityError as exc:
        # Raced with another sign-up for the address, or another tab for this provider
        # account: the unique indexes decided.
        account.pk = None
        raise SocialConflict(
            "email_taken", "An account with this email already exists.", field="email"
        ) from exc
    user.refresh_from_db()
    return user


def social_account_unlink(*, user: User, account_id: int, request=None) -> SocialAccount:
    """Unlink one of the user's provider accounts; audited. Refused when it is the last
    way to log in (no other provider and no usable password)."""
    with transaction.atomic():
        # The user row first: two unlinks of a password-less user's last two providers
        # each see the other one still linked unless they queue here.
        locked = User.objects.select_for_update().get(pk=user.pk)
        account = SocialAccount.objects.filter(pk=account_id, user=locked).first()
        if account is None:
            raise SocialNotFound("not_found", "No such linked login.")
        others = SocialAccount.objects.filter(user=locked).exclude(pk=account.pk).exists()
        if not others and not locked.has_usable_password():
            raise SocialConflict(
                "last_login_method",
                f"{provider_name(account.provider)} is the only way you can log in. "
                "Set a password first (or link another login), then unlink it.",
            )
        account.delete()
        audit_log(
            actor=user,
            action="user.social_unlink",
            entity=user,
            metadata={"provider": account.provider, "uid": account.uid},
            request=request,
        )
        _login_changed_email_queue(user=locked, account=account, linked=False)
    return account
