"""Store test data: products, variants, pooled codes, shoppers able to buy."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from offers.tests.factories import MerchantFactory
from store.models import Code, Product, Variant
from store.services.codes import code_digest, last4
from wallet.tests.factories import give_available


class ShopperFactory(UserFactory):
    """Verified, and old enough that the new-account limit does not apply."""

    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=90))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Brand {n} e-gift card")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    merchant = factory.SubFactory(MerchantFactory)


class SaveBucksProductFactory(ProductFactory):
    name = factory.Sequence(lambda n: f"SaveBucks gift card {n}")
    slug = factory.Sequence(lambda n: f"savebucks-gift-card-{n}")
    kind = Product.Kind.SAVEBUCKS
    source = Product.Source.ISSUED
    merchant = None


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    denomination = Decimal("10.00")
    selling_price = factory.LazyAttribute(lambda v: v.denomination)
    cost_price = factory.LazyAttribute(lambda v: v.denomination * Decimal("0.9"))


def add_codes(variant: Variant, n: int, *, prefix: str = "") -> list[str]:
    """Put `n` codes in the variant's pool; returns them in clear (for scanning)."""
    prefix = prefix or f"V{variant.pk}X"
    start = Code.objects.filter(variant=variant).count()
    codes = [f"{prefix}{start + i:08d}" for i in range(n)]
    for code in codes:
        Code.objects.create(
            variant=variant, code=code, pin="1234", last4=last4(code), digest=code_digest(code)
        )
    return codes


def funded_shopper(amount: str = "100.00", **kwargs):
    shopper = ShopperFactory(**kwargs)
    give_available(shopper, amount)
    return shopper
