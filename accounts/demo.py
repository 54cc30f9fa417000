"""Demo accounts: an admin and a verified shopper, with the passwords the README gives."""

from django.utils import timezone

from .models import User

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
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            user = User.objects.create_user(password=password, **spec)
        else:
            for name, value in spec.items():
                setattr(user, name, value)
            user.set_password(password)
        # Whatever happened to the demo accounts since, they log in again afterwards.
        user.status = User.Status.ACTIVE
        user.deleted_at = None
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.save()
        role = "admin" if user.is_superuser else "shopper"
        lines.append(f"{role:8} {user.email} / {password}")
    return lines
