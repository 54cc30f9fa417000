"""Forms of the Rewards page's own boxes (the points and tier panels bring their own)."""

from django import forms


class BonusCodeForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Bonus code",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. WELCOME5"}),
    )
