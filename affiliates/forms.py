from django import forms

from accounts.admin_base import https_formfield
from campaigns.models import Campaign

from .models import Partner, PartnerPostback
from .selectors import GROUPS


class ApplyForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "company", "website", "traffic_sources"]
        formfield_callback = https_formfield
        labels = {"name": "Your name", "traffic_sources": "How will you send visitors?"}
        widgets = {"traffic_sources": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Optional on the model (staff may add partners by hand), not for an applicant.
        self.fields["traffic_sources"].required = True


class LinkForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none())
    name = forms.CharField(max_length=200, required=False)
    destination_url = forms.CharField(
        max_length=1000,
        required=False,
        label="Destination URL",
        help_text="Blank: the campaign's default landing page.",
    )
    sub1 = forms.CharField(max_length=255, required=False)
    sub2 = forms.CharField(max_length=255, required=False)
    sub3 = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class AccessRequestForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Tell the advertiser how you will promote it",
    )


class ReportForm(forms.Form):
    group_by = forms.ChoiceField(choices=[(g, g) for g in GROUPS], required=False, label="Group by")
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class PayoutDetailsForm(forms.Form):
    method = forms.ChoiceField(choices=[("paypal", "PayPal"), ("bank", "Bank transfer")])
    paypal_email = forms.EmailField(required=False, label="PayPal email")
    account_holder = forms.CharField(required=False, max_length=200)
    iban = forms.CharField(required=False, max_length=64, label="IBAN / account number")
    bank_name = forms.CharField(required=False, max_length=200)
    tax_id = forms.CharField(required=False, max_length=64, label="Tax id (VAT / TIN)")
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Changing payout details needs your password.",
    )


class PostbackForm(forms.Form):
    url = forms.CharField(max_length=1000, label="URL")
    method = forms.ChoiceField(choices=PartnerPostback.Method.choices)
    # Any campaign gets through the form: whether the partner may follow it is
    # postback_save's rule (campaign_not_open), the same for the API and this page.
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.all(), required=False, empty_label="All campaigns"
    )

    def __init__(self, *args, campaigns, **kwargs):
        """`campaigns`: the ones to offer in the list (read when the form is drawn)."""
        super().__init__(*args, **kwargs)
        offered = forms.ModelChoiceField(
            queryset=campaigns, required=False, empty_label="All campaigns"
        )
        self.fields["campaign"].widget.choices = offered.choices


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, initial="My integration")
