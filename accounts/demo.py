"""Demo accounts: an admin and a verified shopper, with the passwords the README gives."""

from django.utils import timezone

from .models import User, UserKyc

DEMO_USERS = [
    {
        "email": "admin@savebucks.test",
        "password": "admin-pass-123",
        "first_name": "Ada",
        "last_name": "Admin",
        "is_staff": True,
        "is_superuser": True,
    },
    {
        "email": "demo@savebucks.test",
        "password": "demo-pass-123",
        "first_name": "Dana",
        "last_name": "Demo",
    },
]


def seed() -> list[str]:
    lines = []
    for spec in DEMO_USERS:
        spec = dict(spec)
        password = spec.pop("password")
        user = demo_user(password=password, **spec)
        role = "admin" if user.is_superuser else "shopper"
        lines.append(f"{role:8} {user.email} / {password}")
    _verified_kyc(User.objects.get(email="demo@savebucks.test"))
    return lines


def demo_user(*, email: str, password: str, **fields) -> User:
    """Create or reset a demo account: whatever happened to it since, it logs in again."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, **fields)
    else:
        for name, value in fields.items():
            setattr(user, name, value)
        user.set_password(password)
    user.status = User.Status.ACTIVE
    user.deleted_at = None
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save()
    return user


def _verified_kyc(user) -> None:
    """The demo shopper can withdraw by bank transfer and above the KYC threshold."""
    kyc, _ = UserKyc.objects.get_or_create(user=user)
    kyc.account_holder_name = user.get_full_name()
    kyc.bank_name = "Demo Savings Bank"
    kyc.account_number = "000123456789"
    kyc.ifsc_or_iban = "GB29NWBK60161331926819"
    kyc.upi_id = "dana@okdemo"
    kyc.address_line1 = "1 Demo Street"
    kyc.city, kyc.country = "London", "GB"
    kyc.status = UserKyc.Status.VERIFIED
    kyc.reviewed_by = User.objects.get(email="admin@savebucks.test")
    kyc.reviewed_at = kyc.reviewed_at or timezone.now()
    kyc.save()
