from django import forms

from accounts.admin_base import https_formfield
from accounts.models import TeamInvitation, TeamMember
from accounts.services.teams import INVITABLE_ROLES
from campaigns.models import Campaign

from .models import Partner, PartnerPostback
from .models.apikeys import KEY_ROLES
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


def offer_only(field: forms.ModelChoiceField, campaigns) -> None:
    """List only `campaigns` in the field's menu (read when the form is drawn) but let any
    campaign through: whether the partner may use it is the service's rule
    (campaign_not_open), the same for the API and the portal."""
    offered = forms.ModelChoiceField(
        queryset=campaigns, required=field.required, empty_label=field.empty_label
    )
    field.widget.choices = offered.choices


class LinkForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all())
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
        offer_only(self.fields["campaign"], campaigns)  # link_create decides


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
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.all(), required=False, empty_label="All campaigns"
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        offer_only(self.fields["campaign"], campaigns)  # postback_save decides


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, initial="My integration")
    role = forms.ChoiceField(
        choices=KEY_ROLES,
        initial="admin",
        required=False,
        help_text="What the key may do; never more than you may, now or later.",
    )


class TeamInviteForm(forms.Form):
    # The column's length: a longer (valid) address would reach the database and fail.
    email = forms.EmailField(max_length=TeamInvitation._meta.get_field("email").max_length)
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in INVITABLE_ROLES], initial="viewer"
    )


class TeamRoleForm(forms.Form):
    role = forms.ChoiceField(choices=TeamMember.Role.choices)
