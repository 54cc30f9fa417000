"""The store's admin, one module per area."""

from . import catalog, giftcards, inventory, orders  # noqa: F401
