from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from affiliates.tests.factories import LinkFactory
from offers.tests.factories import MerchantFactory
from tracking.models import AffiliateClick, Click


class ClickFactory(factory.django.DjangoModelFactory):
    """A logged-in shopper's store-wide click at 10% cashback, no cap."""

    class Meta:
        model = Click

    user = factory.SubFactory(UserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    cashback_type = "percentage"
    cashback_value = Decimal("10")
    cashback_max = None
    cashback_uncapped = False


class AffiliateClickFactory(factory.django.DjangoModelFactory):
    """A click on a partner's link, `age` ago: an hour by default, long enough for the
    conversion that follows not to look too fast."""

    class Meta:
        model = AffiliateClick
        skip_postgeneration_save = True

    link = factory.SubFactory(LinkFactory)
    partner = factory.SelfAttribute("link.partner")
    campaign = factory.SelfAttribute("link.campaign")
    # A visitor of its own each (the roll-up counts a second click of the same ip and
    # user agent on a link within the window as a repeat).
    ip = factory.Sequence(lambda n: f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")

    @factory.post_generation
    def age(click, create, extracted, **kwargs):
        # created_at is set on insert, so the click is moved back in time afterwards.
        click.created_at = timezone.now() - (extracted or timedelta(hours=1))
        if create:
            AffiliateClick.objects.filter(pk=click.pk).update(created_at=click.created_at)
