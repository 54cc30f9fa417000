import factory
from django.utils import timezone

from accounts.models import Referral, User, UserKyc

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    status = User.Status.ACTIVE
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)


class UnverifiedUserFactory(UserFactory):
    status = User.Status.PENDING_VERIFICATION
    email_verified_at = None


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@savebucks.test")
    is_staff = True


class SuperuserFactory(StaffFactory):
    is_superuser = True


class KycFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserKyc

    user = factory.SubFactory(UserFactory)
    account_holder_name = factory.LazyAttribute(lambda kyc: kyc.user.get_full_name())
    bank_name = "First Demo Bank"
    account_number = "000123456789"
    ifsc_or_iban = "DE89370400440532013000"
    upi_id = "shopper@okbank"
    tax_id = "ABCDE1234F"
    address_line1 = "221B Baker Street"
    city = "London"
    country = "GB"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    referrer = factory.SubFactory(UserFactory)
    referred = factory.SubFactory(UserFactory)
