"""The "Missing cashback?" form. It parses; claim_file decides (and its refusals come
back as form errors)."""

from django import forms


class ClaimForm(forms.Form):
    click = forms.ChoiceField(
        label="Your trip to the store", help_text="The click through us that led to the order."
    )
    order_id = forms.CharField(label="Order number", max_length=100)
    order_date = forms.DateField(label="Order date", widget=forms.DateInput(attrs={"type": "date"}))
    # Text, not a DecimalField: claim_file parses it strictly (ASCII digits, two decimals).
    order_amount = forms.CharField(
        label="Order amount", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    proof = forms.FileField(
        label="Proof (optional)",
        required=False,
        help_text="Your order confirmation: PNG, JPEG or PDF, up to 5 MB.",
    )

    def __init__(self, *args, clicks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["click"].choices = [
            (str(click.click_id), f"{click.created_at:%b %-d, %Y %H:%M} · {click.merchant.name}")
            for click in clicks
        ]
