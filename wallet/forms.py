from django import forms

from config.money_fields import MoneyFormField

from .models import WithdrawalMethod
from .services.withdrawals import CRYPTO_NETWORKS


class WithdrawForm(forms.Form):
    """Checks shapes only; the withdrawal service decides (minimums, balance, KYC…)."""

    method = forms.ModelChoiceField(
        queryset=WithdrawalMethod.objects.filter(is_enabled=True),
        to_field_name="code",
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    amount = MoneyFormField()
    paypal_email = forms.EmailField(required=False, label="PayPal email")
    upi_id = forms.CharField(required=False, max_length=100, label="UPI id")
    gift_card_brand = forms.ChoiceField(
        required=False,
        choices=[("", "—"), ("amazon", "Amazon"), ("target", "Target"), ("starbucks", "Starbucks")],
        label="Gift card",
    )
    crypto_network = forms.ChoiceField(
        required=False, choices=[("", "—"), *((n, n) for n in CRYPTO_NETWORKS)], label="Network"
    )
    crypto_address = forms.CharField(required=False, max_length=64, label="Wallet address")
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed when you use payout details for the first time or change them.",
    )

    def details(self) -> dict:
        names = ("paypal_email", "upi_id", "gift_card_brand", "crypto_network", "crypto_address")
        return {name: self.cleaned_data.get(name, "") for name in names}
