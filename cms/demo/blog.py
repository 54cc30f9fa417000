"""Demo blog: three published posts by the demo content editor, filed under categories
and tags, each about one or two demo stores (shown beside it with their rate)."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.demo import demo_user
from offers.models import Merchant

from ..models import Post, PostCategory, Tag

EDITOR_EMAIL = "editor@savebucks.test"
EDITOR_PASSWORD = "editor-pass-123"  # noqa: S105 (published demo password, as README)

CATEGORIES = [("guides", "Guides"), ("deals", "Deals")]
TAGS = [
    ("cashback-basics", "Cashback basics"),
    ("electronics", "Electronics"),
    ("travel", "Travel"),
    ("fashion", "Fashion"),
]

STACKING = """\
Cashback and coupon codes are not rivals: used together, they pay twice on the same order.

## The order of things

1. Open the store **on SaveBucks** and click out, so the sale is tracked.
2. Add your items to the basket.
3. Paste a code **listed on SaveBucks** at checkout.

A code from another site can make the store credit that site for the sale, and your
cashback never arrives.

## A worked example

A laptop at **Acme Electronics** costs 900.00. A 10% code takes it to 810.00, and 4%
cashback on 810.00 is another 32.40 back, so the laptop costs you 777.60.

> Category rates beat the store rate: Acme pays more on laptops, and the store page lists
> each rate with the date it runs until.
"""

TRAVEL = """\
Travel bookings are large, so a few percent of cashback is real money. Three things to
know before you book.

## Book in one go

Cashback is paid on what the travel site reports: flights and hotels booked in the same
session usually count; a hotel added later from the confirmation email often does not.

## Expect a long wait

Travel cashback confirms **after your trip**, once the booking can no longer be cancelled.
**Nimbus Travel** confirms within 90 days of your return date.

## Check the cap

Some travel stores cap cashback per booking. The store page shows the cap next to the rate.
"""

WARDROBE = """\
Winter is when clothing stores run their deepest sales, and cashback rates go up with them.

## What we are buying

- A waterproof jacket that survives a city winter
- Boots with a proper grip (check the sole, not the brand)
- Merino base layers: warm, thin, and they do not smell after a day

## Where the cashback is

**Urban Threads** pays 8% with no cap this month, and **Stride Shoes** pays 10% up to 25.00
per order. Returns cancel the cashback for what you send back, so try sizes on first.
"""

# slug, title, excerpt, body, categories, tags, store slugs, days ago
POSTS = [
    (
        "stack-cashback-with-coupon-codes",
        "How to stack cashback with coupon codes",
        "Use a code and earn cashback on the same order, without losing either.",
        STACKING,
        ["guides"],
        ["cashback-basics", "electronics"],
        ["acme-electronics", "pixelphone"],
        2,
    ),
    (
        "cashback-on-travel-bookings",
        "Cashback on flights and hotels: what to know before you book",
        "Big bookings, big cashback, and a long wait: how travel cashback works.",
        TRAVEL,
        ["guides"],
        ["travel", "cashback-basics"],
        ["nimbus-travel"],
        9,
    ),
    (
        "winter-wardrobe-with-cashback",
        "Five winter wardrobe updates, with cashback",
        "The season's clothing sales and the stores paying the most back.",
        WARDROBE,
        ["deals"],
        ["fashion"],
        ["urban-threads", "stride-shoes"],
        16,
    ),
]


def _editor():
    editor = demo_user(
        email=EDITOR_EMAIL,
        password=EDITOR_PASSWORD,
        first_name="Cleo",
        last_name="Writer",
        is_staff=True,
    )
    editor.groups.add(Group.objects.get(name="Content editor"))
    return editor


def seed() -> list[str]:
    editor = _editor()
    categories = {
        slug: PostCategory.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in CATEGORIES
    }
    tags = {
        slug: Tag.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in TAGS
    }
    now = timezone.now()
    for slug, title, excerpt, body, in_categories, tagged, stores, days_ago in POSTS:
        post, _ = Post.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "excerpt": excerpt,
                "body": body,
                "author": editor,
                "status": Post.Status.PUBLISHED,
            },
            create_defaults={
                "title": title,
                "excerpt": excerpt,
                "body": body,
                "author": editor,
                "status": Post.Status.PUBLISHED,
                "published_at": now - timedelta(days=days_ago),
            },
        )
        post.categories.set([categories[name] for name in in_categories])
        post.tags.set([tags[name] for name in tagged])
        post.merchants.set(Merchant.objects.filter(slug__in=stores))
    return [f"editor   {EDITOR_EMAIL} / {EDITOR_PASSWORD} (Content editor)"]
