"""The demo's newsletter: "Weekly deals" (public) and "Partner news" (private), the demo
shopper confirmed on Weekly deals (with the consent records a real sign-up leaves), and
one draft issue. Idempotent: rows are found by slug, address and subject."""

from django.conf import settings
from django.utils import timezone

from ..models import ConsentRecord, NewsletterIssue, NewsletterList, Subscription
from ..services.newsletter_subscribe import consent_record, new_nonce

SHOPPER_EMAIL = "demo@savebucks.test"
LISTS = (
    ("weekly-deals", "Weekly deals", "The week's best cashback offers, every Thursday.", True),
    ("partner-news", "Partner news", "News for our affiliate partners.", False),
)
ISSUE_SUBJECT = "This week's best cashback"
ISSUE_BODY = """Hello!

Here are the deals our shoppers liked most this week. Click through **SaveBucks** before
you buy, and the cashback lands in your wallet once the store confirms the sale.

Happy saving,
the SaveBucks team
"""


def seed() -> list[str]:
    from accounts.models import User

    lists = {}
    for position, (slug, name, description, public) in enumerate(LISTS):
        lists[slug], _ = NewsletterList.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "is_public": public,
                "position": position,
            },
        )
    shopper = User.objects.filter(email=SHOPPER_EMAIL).first()
    if shopper is not None:
        now = timezone.now()
        subscription, created = Subscription.objects.get_or_create(
            newsletter=lists["weekly-deals"],
            email=SHOPPER_EMAIL,
            defaults={
                "user": shopper,
                "status": Subscription.Status.CONFIRMED,
                "token_nonce": new_nonce(),
                "requested_at": now,
                "confirmed_at": now,
            },
        )
        if created:
            for action in (ConsentRecord.Action.SUBSCRIBE, ConsentRecord.Action.CONFIRM):
                consent_record(
                    subscription, action, source=ConsentRecord.Source.PREFERENCES, ip="127.0.0.1"
                )
    NewsletterIssue.objects.get_or_create(
        newsletter=lists["weekly-deals"],
        subject=ISSUE_SUBJECT,
        defaults={"body": ISSUE_BODY, "include_top_offers": True},
    )
    return [
        "Newsletter: lists weekly-deals (public) and partner-news (private), "
        f"{SHOPPER_EMAIL} confirmed on weekly-deals, a draft issue "
        f"(consent text version {settings.NEWSLETTER_CONSENT_VERSION})"
    ]
