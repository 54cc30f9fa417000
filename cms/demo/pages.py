"""Demo pages (about, how it works, terms, privacy, the FAQ's intro) and the FAQ itself."""

from django.utils import timezone

from ..models import FaqItem, FaqSection, Page

ABOUT = """\
SaveBucks gives you back part of what you spend online. Stores pay affiliate networks a
commission for every sale a partner site sends them; we share most of ours with you, as
cashback you can withdraw.

## What we believe

- **Cashback you can actually withdraw.** No points that expire, no vouchers you did not
  ask for: confirmed cashback goes to PayPal, your bank or a gift card.
- **Rates you can trust.** The rate on a store's page is the rate we pay. When a store
  pays more for some categories, the store page lists each rate and until when it runs.
- **No dark patterns.** You never pay a fee to join, and we never sell your data.

## Who we are

We are a small team of shoppers, engineers and support people who got tired of cashback
that vanished. Questions? Our [help centre](/support/) answers within a working day.
"""

HOW_IT_WORKS = """\
Cashback takes three steps, and most of them happen without you.

## 1. Click out through SaveBucks

Open a store or an offer on SaveBucks and press **Get cashback**. We send you to the store
with a tracking link that tells the store's affiliate network the sale came from us.

## 2. Shop as usual

Buy what you came for. A few tips so the sale is tracked:

1. Finish the purchase in the same browser tab you opened.
2. Allow cookies for the store; ad blockers can remove the tracking link.
3. Do not use a coupon code from another site: the store would credit that site instead.

## 3. Pending, then confirmed

Within a few days the store reports the sale and your cashback shows as **pending** under
Activity. Stores wait out their return window before they confirm (the store page says how
long, usually 30 to 90 days). Once confirmed, the cashback is **available** and you can
withdraw it as soon as your balance reaches the minimum payout.

If a sale never shows up, file a missing-cashback claim from the trip's row in Activity.
"""

TERMS = """\
These terms apply to your use of SaveBucks (the "Service"). By creating an account you
accept them. Last reviewed December 2026.

## 1. Your account

- You must be 18 or older and live in a country where we operate.
- One account per person. Accounts opened to collect bonuses twice are closed, and their
  cashback is forfeited.
- Keep your password to yourself; you are responsible for what happens under your login.

## 2. How cashback is earned

Cashback is paid from the commission a store pays us for a tracked purchase. It is earned
only when the store confirms the purchase: orders that are cancelled, returned or paid with
a gift card the store excludes earn nothing. We show rates in good faith; if a store pays
us less than advertised, we pay you the rate we advertised at the time of your click, up to
the cap shown.

## 3. Withdrawals

You can withdraw confirmed cashback once your available balance reaches the minimum payout
shown on the withdrawal page. Larger withdrawals may need identity (KYC) details first. We
may hold a withdrawal while we check unusual activity, and we tell you when we do.

## 4. Things you may not do

1. Refer yourself or create accounts for other people.
2. Use bots, scripts or fake traffic to click out or to claim bonuses.
3. Post coupon codes on other sites that send shoppers through your referral link.

We may suspend an account that breaks these rules and reverse cashback earned by them.

## 5. Changes and contact

We may change these terms; we give 30 days' notice by email of changes that affect money
you have already earned. Questions go to our support centre.
"""

PRIVACY = """\
This notice explains what SaveBucks keeps about you, why, and for how long.

## What we collect

- **Account details:** your email address, name and password (stored only as a hash).
- **Shopping activity:** the stores you click out to, when, and the sales the stores report
  back (order amount, status and the cashback it earns).
- **Payout details:** PayPal address or bank details, encrypted at rest and shown to
  finance staff only when a payout needs them.
- **Technical data:** IP address and browser, kept to prevent fraud and abuse.

## Why we use it

We use your data to track and pay your cashback, to answer your support requests, to
protect the Service against fraud, and, only if you subscribed, to send you our
newsletter. We never sell your data and we do not show third-party advertising.

## Who sees it

Stores and affiliate networks receive an anonymous click id, never your name or email.
Payment providers receive what they need to pay you. Our staff see what their role needs.

## How long we keep it

Shopping and payout records are kept for seven years, as tax law requires. Everything else
is deleted within 30 days of closing your account.

## Your rights

You can download your data, correct it, or close your account from your profile at any
time. To unsubscribe from the newsletter, use the link at the bottom of every issue.
"""

FAQ_INTRO = """\
The questions shoppers ask us most. Still stuck? Open a ticket from the
[help centre](/support/) and a person will answer.
"""

# slug, title, kind, body, shown in the footer
PAGES = [
    ("about", "About SaveBucks", Page.Kind.PAGE, ABOUT, True),
    ("how-it-works", "How cashback works", Page.Kind.HELP, HOW_IT_WORKS, True),
    ("terms", "Terms of use", Page.Kind.LEGAL, TERMS, True),
    ("privacy", "Privacy notice", Page.Kind.LEGAL, PRIVACY, True),
    # The FAQ page's intro; the footer links /faq/ itself.
    ("faq", "Frequently asked questions", Page.Kind.HELP, FAQ_INTRO, False),
]
# The earlier demo called "how it works" `how-cashback-works`; it becomes `how-it-works`.
OLD_HOW_IT_WORKS = "how-cashback-works"

FAQ = [
    (
        "cashback",
        "Cashback",
        [
            (
                "How long until my cashback shows up?",
                "Most stores report a sale within **48 hours**; some networks take up to a "
                "week. It appears as *pending* under Activity.",
            ),
            (
                "Why is my cashback still pending?",
                "Stores confirm a sale only after their return window closes. The store's "
                "page says how many days that takes.",
            ),
            (
                "My purchase never appeared. What can I do?",
                "Wait for the store's reporting delay, then file a missing-cashback claim "
                "from the trip's row in Activity, with your order number.",
            ),
            (
                "Can I use a coupon code and still earn cashback?",
                "Yes, with the codes listed on SaveBucks. Codes from other sites may make "
                "the store credit that site instead.",
            ),
        ],
    ),
    (
        "withdrawals",
        "Withdrawals",
        [
            (
                "When can I withdraw?",
                "As soon as your *available* (confirmed) balance reaches the minimum payout "
                "shown on the withdrawal page.",
            ),
            (
                "Which payout methods are there?",
                "- PayPal\n- Bank transfer\n- Gift cards from selected stores",
            ),
            (
                "Why am I asked for identity details?",
                "Larger withdrawals need your payout details verified once (KYC). They are "
                "encrypted and seen only by our finance team.",
            ),
        ],
    ),
    (
        "account",
        "Account",
        [
            (
                "Can I have more than one account?",
                "No: one account per person. Duplicate accounts are closed.",
            ),
            (
                "How do I change my email address?",
                "From your profile. We send a link to the new address to confirm it.",
            ),
            (
                "How do I close my account?",
                "From your profile, after withdrawing your available balance. We keep money "
                "records as the law requires and delete the rest within 30 days.",
            ),
        ],
    ),
]


def _rename_old_how_it_works() -> None:
    if not Page.objects.filter(slug="how-it-works").exists():
        Page.objects.filter(slug=OLD_HOW_IT_WORKS).update(slug="how-it-works")
    else:
        Page.objects.filter(slug=OLD_HOW_IT_WORKS).delete()


def _seed_faq() -> None:
    for position, (slug, title, items) in enumerate(FAQ):
        section, _ = FaqSection.objects.update_or_create(
            slug=slug, defaults={"title": title, "position": position}
        )
        for item_position, (question, answer) in enumerate(items):
            FaqItem.objects.update_or_create(
                section=section,
                question=question,
                defaults={"answer": answer, "position": item_position, "is_published": True},
            )


def seed() -> list[str]:
    _rename_old_how_it_works()
    for slug, title, kind, body, in_footer in PAGES:
        page, created = Page.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "body": body,
                "status": Page.Status.PUBLISHED,
                "show_in_footer": in_footer,
                "published_at": timezone.now(),
            },
        )
        if not created:
            # Reset the demo text, keeping the first publication date.
            page.title, page.kind, page.body = title, kind, body
            page.status, page.show_in_footer = Page.Status.PUBLISHED, in_footer
            page.published_at = page.published_at or timezone.now()
            page.save()
    _seed_faq()
    return []
