"""Who may take free money: a live account with a verified email. A bonus to an
unverified address is a bonus to a sign-up farm."""

from config.errors import Forbidden


class NotEligible(Forbidden):
    code = "email_unverified"


def refuse_unless_eligible(user) -> None:
    if user.is_deleted or not user.is_active:
        raise NotEligible("account_inactive", "This account cannot receive bonuses.")
    if not user.email_verified:
        raise NotEligible("email_unverified", "Verify your email address to receive bonuses.")
