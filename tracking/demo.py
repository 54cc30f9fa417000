"""Demo activity, recorded through the same services as real traffic: the demo shopper's
clicks and the sales the demo network reported on them; the demo partner's link clicks and
the conversions the demo campaign reported."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from affiliates.models import Conversion, Link
from affiliates.services.conversions import ClickFacts, conversion_record
from affiliates.services.payable import commissions_make_payable
from affiliates.services.stats import daily_stats_refresh
from offers.models import Network, Offer
from wallet.models import CashbackEvent
from wallet.services.confirmation import cashback_confirm

from .models import AffiliateClick, Click
from .services.offer_stats import offer_stats_roll_up
from .services.postbacks import NetworkSale, apply_sale
from .services.rollups import counters_roll_up

SALES = [  # offer external id, txn id, sale, commission, network status, days ago, confirm
    ("demo-glow-beauty-1", "DEMO-0901", "500.00", "40.00", "approved", 150, True),
    ("demo-stride-shoes-1", "DEMO-0902", "120.00", "15.00", "approved", 100, True),
    ("demo-urban-threads-2", "DEMO-1002", "80.00", "9.60", "approved", 40, True),
    ("demo-acme-electronics-1", "DEMO-1001", "249.99", "20.00", "pending", 12, False),
    ("demo-nimbus-travel-1", "DEMO-1003", "1200.00", "84.00", "pending", 3, False),
    # Returned: the staff report of top offers counts it nowhere.
    ("demo-acme-electronics-1", "DEMO-1004", "650.00", "52.00", "rejected", 5, False),
]


# txn id, sub1, goal, sale amount, reported status, days ago, payable already
CONVERSIONS = [
    ("DEMO-AFF-01", "blog", "DEMOSALE01", "250.00", "approved", 24, True),
    ("DEMO-AFF-02", "newsletter", "DEMOSALE01", "300.00", "approved", 20, True),
    ("DEMO-AFF-03", "blog", "DEMOSALE01", "80.00", "approved", 6, False),
    ("DEMO-AFF-04", "social", "DEMOSALE01", "45.00", "pending", 3, False),
    ("DEMO-AFF-05", "newsletter", "DEMOLEAD01", "0.00", "pending", 2, False),
    ("DEMO-AFF-06", "blog", "DEMOSALE01", "60.00", "declined", 10, False),
]
SOURCES = ("blog", "newsletter", "social")
# Visitors who clicked out without buying (anonymous): enough, with the sales above, for
# the home page's "Popular right now" (ten clicks in 30 days at least) to show two offers.
BROWSING = [("demo-acme-electronics-1", 11), ("demo-nimbus-travel-1", 11)]


def seed() -> list[str]:
    return [*_shopper_activity(), *_browsing(), *_partner_activity()]


def _browsing() -> list[str]:
    now = timezone.now()
    for external_id, count in BROWSING:
        offer = Offer.objects.select_related("merchant").get(external_id=external_id)
        terms = offer.cashback_terms()
        for n in range(count):
            click, _ = Click.objects.get_or_create(
                click_id=uuid.uuid5(uuid.NAMESPACE_URL, f"savebucks-demo/browse/{external_id}/{n}"),
                defaults={
                    "offer": offer,
                    "merchant": offer.merchant,
                    "cashback_type": terms.type,
                    "cashback_value": terms.value,
                    "cashback_max": terms.max,
                    "cashback_uncapped": terms.uncapped,
                    "device_type": Click.Device.MOBILE,
                },
            )
            # One a day or so over the last fortnight.
            Click.objects.filter(pk=click.pk).update(created_at=now - timedelta(days=n, hours=5))
    return [f"visitors {sum(count for _id, count in BROWSING)} click-outs without a sale"]


def _shopper_activity() -> list[str]:
    shopper = User.objects.get(email="demo@savebucks.test")
    network = Network.objects.get(slug="demo")
    for external_id, txn_id, sale, commission, status, days_ago, confirm in SALES:
        offer = Offer.objects.select_related("merchant").get(external_id=external_id)
        terms = offer.cashback_terms()
        # A fixed id per sale keeps re-seeding idempotent.
        click, _ = Click.objects.get_or_create(
            click_id=uuid.uuid5(uuid.NAMESPACE_URL, f"savebucks-demo/{txn_id}"),
            defaults={
                "user": shopper,
                "offer": offer,
                "merchant": offer.merchant,
                "cashback_type": terms.type,
                "cashback_value": terms.value,
                "cashback_max": terms.max,
                "cashback_uncapped": terms.uncapped,
                "device_type": Click.Device.DESKTOP,
            },
        )
        event = apply_sale(
            network,
            NetworkSale(
                click_id=click.click_id,
                txn_id=txn_id,
                sale_amount=Decimal(sale),
                commission=Decimal(commission),
                currency="USD",
                status=status,
            ),
        ).event
        # Spread the history over past months, so the dashboard chart (by sale date) has
        # a shape. updated_at: the offers' daily figures recount the days of moved events.
        reported = timezone.now() - timedelta(days=days_ago)
        CashbackEvent.objects.filter(pk=event.pk).update(
            created_at=reported,
            sale_at=reported,
            updated_at=timezone.now(),
            expected_confirmation_at=reported + timedelta(days=offer.merchant.confirmation_days),
        )
        Click.objects.filter(pk=click.pk).update(created_at=reported - timedelta(hours=2))
        if confirm:
            cashback_confirm(event=event)
    confirmed = sum(1 for sale in SALES if sale[-1])
    pending = sum(1 for sale in SALES if sale[4] == "pending")
    return [
        f"shopper  {shopper.email}: verified email and KYC, {confirmed} confirmed, "
        f"{pending} pending and {len(SALES) - confirmed - pending} rejected cashback"
    ]


def _demo_click(link: Link, key: str, sub1: str, when) -> AffiliateClick:
    click, _ = AffiliateClick.objects.get_or_create(
        click_id=uuid.uuid5(uuid.NAMESPACE_URL, f"savebucks-demo/{key}"),
        defaults={
            "link": link,
            "partner_id": link.partner_id,
            "campaign_id": link.campaign_id,
            "sub1": sub1,
            "device_type": "desktop",
            "country": "GB",
        },
    )
    AffiliateClick.objects.filter(pk=click.pk).update(created_at=when)
    click.created_at = when
    return click


def _partner_activity() -> list[str]:
    link = Link.objects.select_related("campaign").get(slug="demo-link")
    now = timezone.now()
    clicks = 0
    for days_ago in range(14):  # a few clicks a day from each source, for the chart
        for n in range(2 + days_ago % 3):
            source = SOURCES[(days_ago + n) % len(SOURCES)]
            _demo_click(link, f"go/{days_ago}/{n}", source, now - timedelta(days=days_ago, hours=n))
            clicks += 1
    for txn_id, sub1, goal, amount, status, days_ago, payable in CONVERSIONS:
        clicked = now - timedelta(days=days_ago, hours=3)
        click = _demo_click(link, f"conversion/{txn_id}", sub1, clicked)
        conversion = conversion_record(
            campaign=link.campaign,
            click=ClickFacts(
                click.click_id,
                link.pk,
                link.partner_id,
                link.campaign_id,
                sub1,
                "",
                "",
                None,
                clicked,
            ),
            goal_code=goal,
            txn_id=txn_id,
            amount=Decimal(amount),
            status=status,
            currency="USD",
        ).conversion
        reported = now - timedelta(days=days_ago)
        Conversion.objects.filter(pk=conversion.pk).update(created_at=reported)
        if status == "approved":
            Conversion.objects.filter(pk=conversion.pk, credited_at__isnull=True).update(
                approved_at=reported,
                # The first two as if their holding period were over already.
                payable_at=now - timedelta(days=1)
                if payable
                else reported + timedelta(days=link.campaign.holding_days),
            )
        clicks += 1
    commissions_make_payable()
    counters_roll_up()
    offer_stats_roll_up()
    daily_stats_refresh()
    return [
        f"partner  demo-link: {clicks} clicks and {len(CONVERSIONS)} conversions, 2 of them payable"
    ]
