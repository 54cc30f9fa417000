"""Demo partner `partner@savebucks.test` / `partner-pass-123`: approved, paid by PayPal,
with link `demo-link` on `demo-campaign` (its clicks and conversions come with tracking's
demo data, which is seeded after this)."""

import json

from django.utils import timezone

from accounts.demo import demo_user
from campaigns.models import Campaign

from .models import Link, Partner

PARTNER_EMAIL = "partner@savebucks.test"
PARTNER_PASSWORD = "partner-pass-123"


def seed() -> list[str]:
    user = demo_user(
        email=PARTNER_EMAIL, password=PARTNER_PASSWORD, first_name="Pat", last_name="Partner"
    )
    partner, _ = Partner.objects.update_or_create(
        user=user,
        defaults={
            "name": "Pat Partner",
            "company": "Trail Deals Blog",
            "website": "https://example.com/trail-deals",
            "traffic_sources": "An outdoor gear blog and a weekly newsletter.",
            "status": Partner.Status.APPROVED,
            "status_reason": "",
            "approved_at": timezone.now(),
            "payout_method": "paypal",
            "payout_details": json.dumps({"paypal_email": PARTNER_EMAIL}),
        },
    )
    Link.objects.update_or_create(
        slug="demo-link",
        defaults={
            "partner": partner,
            "campaign": Campaign.objects.get(slug="demo-campaign"),
            "name": "Blog sidebar",
            "destination_url": "https://example.com/landing?click={click_id}&s1={sub1}",
            "status": Link.Status.ACTIVE,
        },
    )
    return [f"partner  {PARTNER_EMAIL} / {PARTNER_PASSWORD}: approved, link /go/demo-link/"]
