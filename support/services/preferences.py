"""Who hears about what, where: the category-by-channel matrix of one user.

No row means the default. Security, cashback and withdrawals cannot be switched off in
the app or by email: a shopper must learn that money moved or that their account changed.
"""

from dataclasses import dataclass

from django.db import transaction

from config.errors import Refusal

from ..models import Category, Channel, NotificationPreference

LOCKED = {
    (category, channel)
    for category in (Category.SECURITY, Category.CASHBACK, Category.WITHDRAWALS)
    for channel in (Channel.IN_APP, Channel.EMAIL)
}
# Promotions by email or Telegram only when asked for; everything else is on.
DEFAULT_OFF = {(Category.PROMOTIONS, Channel.EMAIL), (Category.PROMOTIONS, Channel.TELEGRAM)}


class LockedPreference(Refusal):
    code = "locked_preference"


@dataclass(frozen=True)
class Channels:
    in_app: bool
    email: bool
    telegram: bool


def _default(category: str, channel: str) -> bool:
    return (category, channel) not in DEFAULT_OFF


def preferences_matrix(user) -> dict[str, dict[str, bool]]:
    """{"cashback": {"in_app": True, "email": True, "telegram": False}, …}, in one query."""
    matrix = {
        category: {channel: _default(category, channel) for channel in Channel.values}
        for category in Category.values
    }
    for category, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
        "category", "channel", "enabled"
    ):
        if (category, channel) not in LOCKED and category in matrix:
            matrix[category][channel] = enabled
    return matrix


def channels_for(user, category: str) -> Channels:
    """What notify() uses: one query for the user's rows in this category."""
    chosen = {channel: _default(category, channel) for channel in Channel.values}
    for channel, enabled in NotificationPreference.objects.filter(
        user=user, category=category
    ).values_list("channel", "enabled"):
        if (category, channel) not in LOCKED:
            chosen[channel] = enabled
    return Channels(**chosen)


def preferences_update(user, changes: dict[str, dict[str, bool]]) -> dict[str, dict[str, bool]]:
    """Apply a (partial) matrix. Switching off a locked pair is refused whole, nothing
    saved; setting it on is accepted and changes nothing."""
    for category, channels in changes.items():
        if category not in Category.values:
            raise Refusal("unknown_category", f"No notification category {category!r}.")
        for channel, enabled in channels.items():
            if channel not in Channel.values:
                raise Refusal("unknown_channel", f"No notification channel {channel!r}.")
            if not isinstance(enabled, bool):
                raise Refusal("invalid", f"{category}.{channel} must be true or false.")
            if (category, channel) in LOCKED and not enabled:
                raise LockedPreference(
                    detail=f"{Category(category).label} notices always reach you "
                    f"{Channel(channel).label.lower()}: they tell you about your money and "
                    "your account.",
                    field=category,
                )
    with transaction.atomic():
        for category, channels in changes.items():
            for channel, enabled in channels.items():
                if (category, channel) in LOCKED:
                    continue
                NotificationPreference.objects.update_or_create(
                    user=user, category=category, channel=channel, defaults={"enabled": enabled}
                )
    return preferences_matrix(user)
