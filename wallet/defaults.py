"""The five ways to withdraw, with starting minimums and fees that staff then own."""

from decimal import Decimal

METHODS = [
    # code, name, minimum, fixed fee, percent fee, order
    ("paypal", "PayPal", "5.00", "0.00", "2.0000", 1),
    ("bank", "Bank transfer", "10.00", "0.50", "0.0000", 2),
    ("upi", "UPI", "1.00", "0.00", "0.0000", 3),
    ("gift_card", "Gift card", "5.00", "0.00", "0.0000", 4),
    ("crypto", "Crypto (USDT)", "20.00", "1.00", "1.0000", 5),
]


def ensure_withdrawal_methods(apps, currency: str = "USD") -> None:
    """Create missing methods; never touch ones that exist (staff may have changed them)."""
    WithdrawalMethod = apps.get_model("wallet", "WithdrawalMethod")
    for code, name, minimum, fixed, percent, order in METHODS:
        WithdrawalMethod.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "minimum_amount": Decimal(minimum),
                "fee_fixed": Decimal(fixed),
                "fee_percent": Decimal(percent),
                "sort_order": order,
                "currency": currency,
            },
        )
