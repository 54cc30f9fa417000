"""What every voucher supplier does for us: take an order under our reference, then hand
over its codes when they are ready. The network calls happen outside database
transactions; store.services.supplier_orders writes what they return.

The reference (our order item, `SB-OI<pk>`) is the supplier's idempotency key, as with
Tango Card's `externalRefID` or Tillo's `client_request_id`: placing a reference it has
seen returns the order it already has, never a second purchase. That is what makes a
timeout safe to retry: we cannot know whether the supplier took the order, so we ask again.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


class SupplierError(Exception):
    """The supplier could not be reached, refused the call or answered nonsense. The
    message is safe to log: it names statuses and references, never a code or a key."""


@dataclass(frozen=True)
class SupplierCode:
    code: str
    pin: str = ""
    expires_on: date | None = None

    def __repr__(self) -> str:
        # A code is a bearer secret: a traceback or a debug log must not print it.
        return f"SupplierCode(••••{self.code[-4:]})"

    __str__ = __repr__


class Supplier:
    name = ""

    def place(
        self, *, reference: str, product_id: str, denomination: Decimal, quantity: int
    ) -> str:
        """Order `quantity` codes of `denomination`; the supplier's order id. Placing a
        reference again returns the first order's id. Raises SupplierError."""
        raise NotImplementedError

    def codes(self, supplier_order_id: str) -> list[SupplierCode] | None:
        """The order's codes, or None while the supplier is still preparing them. Raises
        SupplierError (including for an order the supplier cancelled)."""
        raise NotImplementedError
