"""Asking for the password again before a sensitive change (new payout details).

Without a limit the re-check is a password oracle for whoever holds a session: 40 wrong
guesses, then the right one. Each attempt is counted BEFORE the password is checked
(cache add/incr is atomic), so concurrent guesses cannot all slip under the limit, and a
correct password after the limit is refused as well.
"""

from config.errors import Refusal, TooManyAttempts

from ..ratelimit import RateLimit
from .audit import audit_log

PAYOUT_PASSWORD_ACCOUNT = RateLimit("payout_password_account")


class ReauthRefused(Refusal):
    pass


class WrongPassword(ReauthRefused):
    code = "wrong_password"


class ReauthThrottled(ReauthRefused, TooManyAttempts):
    code = "too_many_attempts"


def password_recheck(*, user, password: str | None, purpose: str, request=None) -> None:
    """Refuse unless `password` is `user`'s, at most PAYOUT_PASSWORD_ACCOUNT's limit of
    attempts per window; every failure is audited."""
    if not password:
        raise ReauthRefused(
            "password_required", "Enter your password to use new payout details.", "password"
        )
    attempts = PAYOUT_PASSWORD_ACCOUNT.hit(str(user.pk))
    throttled = attempts > PAYOUT_PASSWORD_ACCOUNT.limit
    if throttled or not user.check_password(password):
        failure = "throttled" if throttled else "wrong_password"
        audit_log(
            actor=user,
            action=f"reauth.{failure}",
            entity=user,
            request=request,
            metadata={"purpose": purpose, "attempts": attempts},
        )
        if throttled:
            raise ReauthThrottled(
                "too_many_attempts", PAYOUT_PASSWORD_ACCOUNT.message("password"), "password"
            )
        raise WrongPassword("wrong_password", "That is not your password.", "password")
