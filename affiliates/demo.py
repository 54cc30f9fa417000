"""Demo partner `partner@savebucks.test` / `partner-pass-123`: approved, paid by PayPal,
with link `demo-link` on `demo-campaign` (its clicks and conversions come with tracking's
demo data, which is seeded after this), and a viewer in its team,
`viewer@savebucks.test` / `viewer-pass-123`: reads reports, may not create links."""

import json

from django.utils import timezone

from accounts.demo import demo_user
from accounts.models import TeamMember
from campaigns.models import Campaign

from .models import Link, Partner
from .services.team import partner_team

PARTNER_EMAIL = "partner@savebucks.test"
PARTNER_PASSWORD = "partner-pass-123"
VIEWER_EMAIL = "viewer@savebucks.test"
VIEWER_PASSWORD = "viewer-pass-123"


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
    viewer = demo_user(
        email=VIEWER_EMAIL, password=VIEWER_PASSWORD, first_name="Vic", last_name="Viewer"
    )
    # As if Pat had invited Vic as a viewer and Vic had accepted (reset on every seed).
    TeamMember.objects.update_or_create(
        team=partner_team(partner), user=viewer, defaults={"role": TeamMember.Role.VIEWER}
    )
    return [
        f"partner  {PARTNER_EMAIL} / {PARTNER_PASSWORD}: approved, link /go/demo-link/",
        f"viewer   {VIEWER_EMAIL} / {VIEWER_PASSWORD}: a viewer in the partner's team",
    ]
