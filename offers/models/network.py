import ipaddress
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from config.fields import EncryptedTextField, RateField
from config.tokens import token_matches

from ..conventions import CONVENTIONS, OUR_PARAMS, OUR_STATUSES


def parse_allowlist(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """One IP or CIDR per line (commas work too); blank means "anyone"."""
    entries = [part.strip() for line in text.splitlines() for part in line.split(",")]
    return [ipaddress.ip_network(entry, strict=False) for entry in entries if entry]


class Network(models.Model):
    """An affiliate network that pays us commission and reports sales by postback."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    class Convention(models.TextChoices):
        CUSTOM = "custom", "Our parameter names"
        EVERFLOW = "everflow", "Everflow"
        TUNE = "tune", "TUNE / HasOffers"
        AFFISE = "affise", "Affise"
        CAKE = "cake", "CAKE"
        PAP = "pap", "Post Affiliate Pro"
        IMPACT = "impact", "impact.com"
        ADMITAD = "admitad", "Admitad"
        AWIN = "awin", "Awin"

    class ReportAdapter(models.TextChoices):
        NONE = "", "None (postbacks only)"
        AWIN = "awin", "Awin transactions API"
        CJ = "cj", "CJ commission detail API"

    class ConfirmationPolicy(models.TextChoices):
        AUTO = "auto", "Confirm after the merchant's lock period unless rejected"
        NETWORK = "network", "Wait for the network's approval"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    logo = models.ImageField(upload_to="networks/", blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    convention = models.CharField(
        max_length=16, choices=Convention.choices, default=Convention.CUSTOM
    )
    # Only a digest is stored: the token is shown once, when generated or rotated.
    postback_token_hash = models.CharField(max_length=64, editable=False)
    postback_token_hint = models.CharField(
        max_length=8, editable=False, help_text="The token's last four characters."
    )
    hmac_secret = EncryptedTextField(
        blank=True, help_text="Optional: accept HMAC-SHA256 signed postbacks with this secret."
    )
    ip_allowlist = models.TextField(
        blank=True, help_text="Optional: one IP or CIDR per line; postbacks from elsewhere fail."
    )
    param_aliases = models.JSONField(
        default=dict,
        blank=True,
        help_text='The network\'s parameter names → ours, e.g. {"subid": "click_id"}.',
    )
    status_map = models.JSONField(
        default=dict,
        blank=True,
        help_text='The network\'s status values → ours, e.g. {"1": "approved", "D": "rejected"}.',
    )
    api_endpoint = models.URLField(
        blank=True, help_text="The report API's base URL; blank: the adapter's documented one."
    )
    api_credentials = EncryptedTextField(
        blank=True, help_text="The report API's access token (stored encrypted)."
    )
    report_adapter = models.CharField(
        max_length=16, choices=ReportAdapter.choices, default="", blank=True
    )
    report_account_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="Our account at the network for its report API (Awin publisher id, CJ CID).",
    )
    reports_synced_until = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Where the next report sync starts."
    )
    default_commission_rate = RateField(default=Decimal("0"), help_text="Percent of the sale.")
    confirmation_policy = models.CharField(
        max_length=16, choices=ConfirmationPolicy.choices, default=ConfirmationPolicy.AUTO
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        # Whoever reads a network's credentials can forge its postbacks and credit anyone:
        # a permission of its own, which roles.py grants to Administrators only.
        permissions = [
            (
                "manage_network_secrets",
                "Can see and change network credentials and rotate postback tokens",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    default_commission_rate__gte=0, default_commission_rate__lte=100
                ),
                name="offers_network_rate_0_100",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            parse_allowlist(self.ip_allowlist)
        except ValueError as exc:
            raise ValidationError({"ip_allowlist": str(exc)}) from exc
        for field, allowed in (("param_aliases", OUR_PARAMS), ("status_map", OUR_STATUSES)):
            mapping = getattr(self, field)
            if not isinstance(mapping, dict) or not set(mapping.values()) <= set(allowed):
                raise ValidationError({field: f"Map onto {', '.join(allowed)}."})

    def token_matches(self, token: str) -> bool:
        return token_matches(token, self.postback_token_hash)

    def aliases(self) -> dict[str, str]:
        return {**CONVENTIONS[self.convention]["aliases"], **self.param_aliases}

    def statuses(self) -> dict[str, str]:
        return {**CONVENTIONS[self.convention]["statuses"], **self.status_map}
