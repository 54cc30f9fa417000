from django.utils import timezone

from ..models import Page

PAGES = [
    (
        "about",
        "About SaveBucks",
        "SaveBucks shares the commission stores pay us with you, as cashback.\n\n"
        "Click out through SaveBucks, shop as usual, and we credit your cashback when the "
        "store's affiliate network reports the sale.",
    ),
    (
        "how-cashback-works",
        "How cashback works",
        "Pending: the store reported your purchase. Stores wait out their return window "
        "before confirming.\n\nConfirmed: the cashback is yours to withdraw once you reach "
        "the minimum payout.",
    ),
    ("terms", "Terms of use", "Use SaveBucks honestly: one account per person, no self-referral."),
    (
        "privacy",
        "Privacy",
        "We keep what we need to pay you, encrypt payout details, and sell nothing.",
    ),
]


def seed() -> list[str]:
    for slug, title, body in PAGES:
        Page.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "body": body,
                "status": Page.Status.PUBLISHED,
                "show_in_footer": True,
                "published_at": timezone.now(),
            },
        )
    return []
