from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from offers.tests.factories import MerchantFactory
from tracking.models import Click


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
