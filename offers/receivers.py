"""Keep each store's rate card (`Merchant.rate_card`) true to its rates.

Every way a rate changes ends here: the admin inline, the demo loader, the shell,
`queryset.delete()` (Django sends post_delete per row while a receiver listens). Bulk
`queryset.update()` sends nothing: call `rate_card_refresh` after one, or run
`manage.py rebuild_rate_cards`. The rule itself lives in offers.services.rate_card.
"""

from django.db.models.signals import post_delete, post_save

from .models import Merchant, MerchantCommission
from .services.rate_card import rate_card_refresh


def _rate_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture carries its own cards (rebuild_rate_cards fixes them)
        return
    rate_card_refresh(instance.merchant_id)


def _rate_deleted(sender, instance, origin=None, **kwargs):
    # The store itself is going (one row or a queryset of them): no card left to keep.
    if isinstance(origin, Merchant) or getattr(origin, "model", None) is Merchant:
        return
    rate_card_refresh(instance.merchant_id)


def connect() -> None:
    post_save.connect(_rate_saved, sender=MerchantCommission, dispatch_uid="offers.rate_card.save")
    post_delete.connect(
        _rate_deleted, sender=MerchantCommission, dispatch_uid="offers.rate_card.delete"
    )
