"""What the store does when other apps tell it something."""

from .models import GiftCard


def on_account_purged(sender, user_id, email="", **kwargs):
    """A purged person's address is not kept on gift cards sent to them (the orders and
    the ledger stay, as financial records, under the anonymised account)."""
    if email:
        GiftCard.objects.filter(recipient_email__iexact=email).update(
            recipient_email="", message=""
        )
