"""Who buys in the demo. No orders are made here; the flow to try under `make run`:

1. Sign in as demo@savebucks.test / demo-pass-123 (verified, with a balance from the
   demo's confirmed cashback, and old enough for STORE_NEW_ACCOUNT_DAYS) and buy a
   10.00 card at /gift-cards/ with the wallet: it is delivered at once; reveal the code on
   the order page.
2. Buy a SaveBucks gift card for friend@savebucks.test; sign in as that friend (password
   friend-pass-123) and redeem it into their balance.
3. Buy `limited-edition` four times: the fourth is refused out of stock, and the Finance
   login gets the low-stock email (console) with the link to import more codes.
4. As finance@savebucks.test / finance-pass-123: import codes (admin → Variants →
   Import codes), refund an order, disable a gift card.

Idempotent: accounts are found by email (their passwords are reset, as every demo
login is), and an account's join date is moved back only while it is too young."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.demo import demo_user
from accounts.models import User
from wallet.models import Account

SHOPPER_EMAIL = "demo@savebucks.test"
FRIEND_EMAIL = "friend@savebucks.test"
FRIEND_PASSWORD = "friend-pass-123"  # noqa: S105 (published demo password, as README)
FINANCE_EMAIL = "finance@savebucks.test"
FINANCE_PASSWORD = "finance-pass-123"  # noqa: S105 (published demo password, as README)
JOINED_DAYS_AGO = 90


def _old_enough(user: User) -> None:
    """Past the new-account limit (STORE_NEW_ACCOUNT_DAYS), so the demo buys freely."""
    now = timezone.now()
    if user.date_joined > now - timedelta(days=settings.STORE_NEW_ACCOUNT_DAYS + 1):
        User.objects.filter(pk=user.pk).update(date_joined=now - timedelta(days=JOINED_DAYS_AGO))


def seed() -> list[str]:
    shopper = User.objects.get(email=SHOPPER_EMAIL)
    _old_enough(shopper)
    friend = demo_user(
        email=FRIEND_EMAIL, password=FRIEND_PASSWORD, first_name="Frankie", last_name="Friend"
    )
    _old_enough(friend)
    finance = demo_user(
        email=FINANCE_EMAIL,
        password=FINANCE_PASSWORD,
        first_name="Fin",
        last_name="Ance",
        is_staff=True,
    )
    finance.groups.add(Group.objects.get(name="Finance"))
    available = (
        Account.objects.filter(
            owner=shopper, kind=Account.Kind.AVAILABLE, currency=settings.PLATFORM_CURRENCY
        )
        .values_list("balance", flat=True)
        .first()
        or 0
    )
    return [
        f"store    shopper {SHOPPER_EMAIL} can spend {settings.PLATFORM_CURRENCY} {available}",
        f"store    friend  {FRIEND_EMAIL} / {FRIEND_PASSWORD} (receives gift cards)",
        f"finance  {FINANCE_EMAIL} / {FINANCE_PASSWORD} (imports codes, refunds, disables cards)",
    ]
