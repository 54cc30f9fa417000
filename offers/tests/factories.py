from decimal import Decimal

import factory

from config.tokens import hash_token
from offers.models import Category, Merchant, Network, Offer

NETWORK_TOKEN = "net-token-0123456789"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    postback_token_hash = hash_token(NETWORK_TOKEN)
    postback_token_hint = NETWORK_TOKEN[-4:]


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Store {n}")
    slug = factory.Sequence(lambda n: f"store-{n}")
    network = factory.SubFactory(NetworkFactory)
    tracking_url = "https://track.example.com/c?sub={click_id}&u={user_id}&m={merchant}"
    cashback_type = "percentage"
    cashback_value = Decimal("5")
    confirmation_days = 30


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    merchant = factory.SubFactory(MerchantFactory)
    title = factory.Sequence(lambda n: f"Offer {n}")
    offer_type = Offer.Type.DEAL
    status = Offer.Status.ACTIVE
