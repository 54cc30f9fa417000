"""What the accounts services refuse (the project's one dialect: config.errors.Refusal)."""

from django.core.exceptions import ValidationError

from config.errors import Conflict, Refusal


class AccountRefused(Refusal):
    pass


class AccountConflict(AccountRefused, Conflict):
    """The account's state does not allow it (already verified, not deleted…)."""


def refused_from_validation(exc: ValidationError) -> AccountRefused:
    """A model's own validation (`full_clean`) said no: the first message, on its field."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        first = errors[0]
        return AccountRefused(first.code or "invalid", first.messages[0], field=field)
    first = exc.error_list[0]
    return AccountRefused(first.code or "invalid", first.messages[0])
