import secrets
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

# No 0/O or 1/I/L: codes are read aloud and typed from screenshots.
REFERRAL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERRAL_CODE_LENGTH = 10


def generate_referral_code() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))


# Not places: "localtime" is the server's own clock (and absent on some hosts, which
# would break every page reading the shopper's day); "Factory" has no offset at all.
PSEUDO_ZONES = frozenset({"localtime", "Factory"})


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - PSEUDO_ZONES


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(f"{value!r} is not a time zone; use a name such as Europe/Berlin.")


def public_name_of(public_name: str, first_name: str, last_name: str, pk) -> str:
    """What standings show for a shopper: the chosen name, else "Dana D.", else
    "Shopper 42". Never the email address. Works from plain values, so ranking code
    reading `values()` rows needs no model instance."""
    # The form refuses "@" in a public name, but not in a first name (people type their
    # address there) nor staff's edits in the admin: neither may reach the standings.
    if public_name and "@" not in public_name:
        return public_name
    if first_name and "@" not in first_name:
        initial = f" {last_name[:1].upper()}." if last_name else ""
        return f"{first_name}{initial}"
    return f"Shopper {pk}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        # Emails are stored lowercased (a check constraint holds it), so an exact match on
        # the normalised form is a case-insensitive match that uses the unique index.
        return self.get(email=self.normalize_email(username))

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        # A referral-code collision is astronomically rare but must not become a 500:
        # draw again. An email collision is the caller's to report.
        for _attempt in range(5):
            user.referral_code = generate_referral_code()
            try:
                with transaction.atomic(using=self._db):
                    user.save(using=self._db)
                return user
            except IntegrityError:
                if self.filter(email=user.email).exists():
                    raise
        raise IntegrityError("Could not allocate a unique referral code.")

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, status=User.Status.ACTIVE)
        fields.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        SUSPENDED = "suspended", "Suspended"
        PENDING_VERIFICATION = "pending_verification", "Pending verification"

    # Statuses that may log in. Unverified users may browse and click out, not withdraw.
    LOGIN_STATUSES = (Status.ACTIVE, Status.PENDING_VERIFICATION)

    email = models.EmailField("email address", max_length=254, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ()-]{5,18}$", "Enter a phone number such as +1 555 010 9999."
            )
        ],
    )
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True)
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.PENDING_VERIFICATION, db_index=True
    )
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the admin; what they see depends on their groups."
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    last_login_ip = models.GenericIPAddressField(null=True, blank=True)
    referral_code = models.CharField(
        max_length=16, unique=True, editable=False, default=generate_referral_code
    )
    referred_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="referred_users"
    )
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    staff_notes = models.TextField(
        blank=True, help_text="Staff only: what support needs to know about this account."
    )
    # The shopper's own calendar: daily bonuses and streaks count local days.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="An IANA zone such as Europe/Berlin; empty means the site's TIME_ZONE.",
    )
    # How leaderboards and races show the shopper: never the email address.
    public_name = models.CharField(
        max_length=40,
        blank=True,
        help_text='Shown on leaderboards; empty means first name and last initial ("Dana D.").',
    )
    leaderboard_hidden = models.BooleanField(
        default=False, help_text="Ranked and paid as usual, but left out of public standings."
    )
    # Soft delete: the row stays for the ledger; the email stays taken until purged.
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["-date_joined"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="accounts_user_email_lowercase"
            ),
        ]

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        # Derived, never stored: status and deleted_at are the single source of truth.
        return self.deleted_at is None and self.status in self.LOGIN_STATUSES

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def leaderboard_name(self) -> str:
        """The name others see on standings: chosen, else "Dana D.", else a number."""
        return public_name_of(self.public_name, self.first_name, self.last_name, self.pk)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or settings.TIME_ZONE)

    def local_today(self, now=None):
        """Today's date on the shopper's own calendar."""
        return (now or timezone.now()).astimezone(self.zone).date()
