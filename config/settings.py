"""SaveBucks settings: one file, driven by environment variables.

Without any environment a fresh checkout runs the embedded default: SQLite, Celery
eager and a local-memory cache. Production sets DJANGO_DEBUG=false, a real
DJANGO_SECRET_KEY, DATABASE_URL and REDIS_URL; the README lists every variable.
"""

import base64
import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# Like Saleor and healthchecks, the default is the developer's machine; production
# must say DJANGO_DEBUG=false, and then nothing insecure is defaulted.
DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false.")
    SECRET_KEY = "django-insecure-dev-only-savebucks-never-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Social login (Google, Facebook): only allauth's provider flows are mounted, see
    # the "Social login" block below and accounts/social/urls.py.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    # Ours, in dependency order (seed_demo seeds them in this order too): everything
    # depends on accounts; tracking records clicks and postbacks for offers and affiliates.
    "accounts",
    "offers",
    "wallet",
    "campaigns",
    "affiliates",
    "tracking",
    "gamification",
    "support",
    "cms",
    "store",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # SEO redirect rules, on 404 answers only (cms.middleware): outside everything that
    # may still answer (CommonMiddleware's slash redirect), inside the security headers.
    "cms.middleware.RedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Required by allauth (its request context for the provider flows).
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "cms.context_processors.footer_pages",
                "support.context_processors.notifications_unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the dev server read while a request writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The dashboards' covering indexes (INCLUDE columns) are a PostgreSQL optimisation;
    # SQLite builds them on their key columns alone, which is all the demo needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A request stuck behind a row lock fails fast (a postback gets 503 and the network
    # retries) instead of piling up workers.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={env.int('DATABASE_LOCK_TIMEOUT_MS', default=5000)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "savebucks",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without a broker every task runs inline, and its errors surface to the caller.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it finished; a killed worker's task is redelivered,
# which is safe because every job claims its rows with a conditional UPDATE.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Periodic jobs: each is a service, a thin task and a manage.py command of the same name.
CELERY_BEAT_SCHEDULE: dict = {
    "rollup-counters": {"task": "tracking.tasks.rollup_counters", "schedule": 60.0},
    "confirm-cashback": {"task": "wallet.tasks.confirm_cashback", "schedule": 3600.0},
    "process-payouts": {"task": "wallet.tasks.process_payouts", "schedule": 600.0},
    "dispatch-postbacks": {"task": "affiliates.tasks.dispatch_postbacks", "schedule": 60.0},
    "refresh-daily-stats": {"task": "affiliates.tasks.refresh_daily_stats", "schedule": 60.0},
    "make-commissions-payable": {
        "task": "affiliates.tasks.make_commissions_payable",
        "schedule": 3600.0,
    },
    "sync-network-reports": {"task": "tracking.tasks.sync_network_reports", "schedule": 3600.0},
    # Retention (README "Retention"): at night, when the tables are quiet.
    "clear-sessions": {
        "task": "accounts.tasks.clear_sessions",
        "schedule": crontab(minute=0, hour=3),
    },
    "purge-deleted-users": {
        "task": "accounts.tasks.purge_deleted_users",
        "schedule": crontab(minute=15, hour=3),
    },
    # Hourly, each run within a time budget: a backlog (the first run on years of clicks)
    # drains run by run; once caught up a run reads about an hour of rows.
    "prune-raw-data": {"task": "tracking.tasks.prune_raw_data", "schedule": crontab(minute=30)},
    # VIP tiers from the trailing year's confirmed cashback, once a night.
    "recompute-tiers": {
        "task": "gamification.tasks.recompute_tiers",
        "schedule": crontab(minute=45, hour=2),
    },
    "sync-race-stats": {"task": "gamification.tasks.sync_race_stats", "schedule": 900.0},
    "tick-races": {"task": "gamification.tasks.tick_races", "schedule": 60.0},
    # Leaderboards: live ranks every 5 minutes; ended periods settled just after midnight.
    "refresh-leaderboards": {"task": "gamification.tasks.refresh_leaderboards", "schedule": 300.0},
    "settle-leaderboards": {
        "task": "gamification.tasks.settle_leaderboards",
        "schedule": crontab(minute=10, hour=0),
    },
    # Support: SLA breaches flagged, claims moved off ice or closed as tracked, resolved
    # tickets nobody answered closed.
    "flag-sla-breaches": {"task": "support.tasks.flag_sla_breaches", "schedule": 300.0},
    "advance-claims": {"task": "support.tasks.advance_claims", "schedule": 300.0},
    "close-stale-tickets": {
        "task": "support.tasks.close_stale_tickets",
        "schedule": crontab(minute=20, hour=3),
    },
    # CMS: scheduled pages and posts go live within a minute of their time.
    "publish-scheduled": {"task": "cms.tasks.publish_scheduled", "schedule": 60.0},
    # Store: unpaid orders give their codes and wallet holds back; paid orders a worker
    # died on are fulfilled again; supplier codes are polled; store cashback confirms;
    # at night pending gateway payments are compared with the provider.
    "release-expired-orders": {"task": "store.tasks.release_expired_orders", "schedule": 60.0},
    "fulfil-paid-orders": {"task": "store.tasks.fulfil_paid_orders", "schedule": 120.0},
    "confirm-store-cashback": {"task": "store.tasks.confirm_store_cashback", "schedule": 3600.0},
    "reconcile-payments": {
        "task": "store.tasks.reconcile_payments",
        "schedule": crontab(minute=40, hour=3),
    },
}

# --- Sessions and authentication ------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
# Database-backed (cached): "active sessions" reads liveness from the session table.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signed email-verification links stay valid this long.
EMAIL_VERIFICATION_MAX_AGE = env.int("EMAIL_VERIFICATION_MAX_AGE", default=3 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# Soft-deleted accounts keep their email taken until `purge_deleted_users` anonymises them.
ACCOUNT_PURGE_AFTER_DAYS = env.int("ACCOUNT_PURGE_AFTER_DAYS", default=30)
# `prune_raw_data` deletes raw clicks without a sale and postback logs older than this
# (seeds 000/003 maintenance). Not below the minimum: a sale may be reported months after
# its click (a conversion counts up to 90 days after it), and a click must still be there.
RAW_DATA_MIN_RETENTION_DAYS = 120
RAW_DATA_RETENTION_DAYS = env.int("RAW_DATA_RETENTION_DAYS", default=400)
if RAW_DATA_RETENTION_DAYS < RAW_DATA_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"RAW_DATA_RETENTION_DAYS must be at least {RAW_DATA_MIN_RETENTION_DAYS} days."
    )

# (attempts, window in seconds) per scope; the message names the wait.
RATE_LIMITS = {
    "login_ip": (20, 600),
    "login_account": (5, 900),
    "signup_ip": (10, 3600),
    "reset_ip": (10, 3600),
    "reset_account": (3, 3600),
    "verify_resend_account": (3, 3600),
    # Team invitation emails per team and day (accounts.services.teams).
    "team_invite": (50, 86400),
    # Re-entering the password to use new payout details (withdrawals, partner payouts).
    "payout_password_account": (5, 900),
    # Bonus code redemption attempts per shopper, so codes cannot be guessed by brute force.
    "bonus_code_account": (10, 600),
    # Support: new tickets and claims per shopper and hour, Telegram link requests.
    "support_ticket_account": (10, 3600),
    "support_claim_account": (10, 3600),
    # Replies per shopper and hour (each may carry five files).
    "support_reply_account": (60, 3600),
    "telegram_link_account": (10, 3600),
    # Newsletter sign-ups per IP and hour (the form and the API): each mails a stranger.
    "newsletter_subscribe_ip": (10, 3600),
    # Confirmation emails per address and day, however many times it is submitted.
    "newsletter_confirm_email": (3, 86400),
    # Store: orders per shopper and hour (placing reserves codes), code reveals per
    # shopper and hour, gift-card redemption attempts (codes must not be guessable).
    "store_order_account": (30, 3600),
    "store_reveal_account": (30, 3600),
    "giftcard_redeem_account": (10, 600),
}

# Number of reverse proxies in front of the app that append to X-Forwarded-For. 0 trusts
# only REMOTE_ADDR; the client cannot forge its address through a header we ignore.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The request header our CDN or proxy puts the visitor's country in, as Django names it
# (e.g. HTTP_CF_IPCOUNTRY). Empty: clicks record no country and country rules are off.
GEOIP_COUNTRY_HEADER = env.str("GEOIP_COUNTRY_HEADER", default="")

# Postbacks signed with HMAC must be this fresh (seconds), so a captured one cannot be
# replayed later.
POSTBACK_HMAC_TOLERANCE = env.int("POSTBACK_HMAC_TOLERANCE", default=300)
# How far ahead of ours a sender's clock may be before its sale date counts as future.
SALE_DATE_CLOCK_SKEW = env.int("SALE_DATE_CLOCK_SKEW", default=300)
# A sale in another currency uses the latest FX rate at most this many days before its date.
FX_RATE_MAX_AGE_DAYS = env.int("FX_RATE_MAX_AGE_DAYS", default=7)
# A rate more than this many percent away from the same currency's nearest one is taken
# only when staff confirm it (a slipped decimal point multiplies every foreign sale).
FX_RATE_MAX_JUMP_PERCENT = env.int("FX_RATE_MAX_JUMP_PERCENT", default=20)

# Report sync (networks whose report API we read: Awin, CJ). Each run re-reads this many
# hours before where the last one stopped, because networks add sales to days already
# reported; re-applying a sale is a duplicate. A network's first run reads this many days.
NETWORK_REPORTS_OVERLAP_HOURS = env.int("NETWORK_REPORTS_OVERLAP_HOURS", default=7 * 24)
NETWORK_REPORTS_FIRST_SYNC_DAYS = env.int("NETWORK_REPORTS_FIRST_SYNC_DAYS", default=31)
NETWORK_REPORTS_TIMEOUT = env.int("NETWORK_REPORTS_TIMEOUT", default=60)
# The longest one network's sync may hold its lock (a killed worker's lock expires).
NETWORK_REPORTS_LOCK_SECONDS = env.int("NETWORK_REPORTS_LOCK_SECONDS", default=3 * 3600)
NETWORK_REPORTS_MAX_BYTES = env.int("NETWORK_REPORTS_MAX_BYTES", default=50 * 1024 * 1024)
# Only for tests and closed networks: let a report API base URL be a private address.
NETWORK_REPORTS_ALLOW_PRIVATE = env.bool("NETWORK_REPORTS_ALLOW_PRIVATE", default=False)

# Races (gamification): the partner's stats feed (seed 004), read every 15 minutes. An
# empty URL turns the sync off. The key is sent as a bearer token and never logged.
RACE_STATS_URL = env.str("RACE_STATS_URL", default="")
RACE_STATS_API_KEY = env.str("RACE_STATS_API_KEY", default="")
RACE_STATS_TIMEOUT = env.int("RACE_STATS_TIMEOUT", default=10)
RACE_STATS_MAX_BYTES = env.int("RACE_STATS_MAX_BYTES", default=2 * 1024 * 1024)
# Seconds before the second try; doubled before the third.
RACE_STATS_RETRY_DELAY = env.float("RACE_STATS_RETRY_DELAY", default=2.0)
# Only for tests and closed networks: plain http and private addresses for the feed.
RACE_STATS_ALLOW_PRIVATE = env.bool("RACE_STATS_ALLOW_PRIVATE", default=False)
# A participant's chart keeps this many of its latest points.
RACE_HISTORY_POINTS = env.int("RACE_HISTORY_POINTS", default=500)
RACE_FINISH_POINTS = env.int("RACE_FINISH_POINTS", default=50)
CHALLENGE_POINTS = env.int("CHALLENGE_POINTS", default=100)

# --- Social login (django-allauth: Google and Facebook) --------------------------------

# allauth runs only the OAuth exchange with the provider; who gets logged in, linked or
# created is decided by accounts.social (adapter) and accounts.services.social, and our
# own login, sign-up, password and email pages stay the only ones (accounts/social/urls.py
# mounts nothing else of allauth). A provider whose two keys are not both set is off: no
# button, and its URLs answer 404. Apps come from these settings only, never from
# database SocialApp rows (accounts.social.providers).
GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET", default="")
FACEBOOK_APP_ID = env.str("FACEBOOK_APP_ID", default="")
FACEBOOK_APP_SECRET = env.str("FACEBOOK_APP_SECRET", default="")


def _social_apps(client_id: str, secret: str) -> list[dict]:
    return [{"client_id": client_id, "secret": secret, "key": ""}] if client_id and secret else []


SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "APPS": _social_apps(GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET),
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"prompt": "select_account"},
        "OAUTH_PKCE_ENABLED": True,
    },
    "facebook": {
        "APPS": _social_apps(FACEBOOK_APP_ID, FACEBOOK_APP_SECRET),
        "METHOD": "oauth2",
        "SCOPE": ["email", "public_profile"],
    },
}
SOCIALACCOUNT_ADAPTER = "accounts.social.adapter.SocialAccountAdapter"
ACCOUNT_ADAPTER = "accounts.social.adapter.AccountAdapter"
# Off: allauth would match accounts by its own EmailAddress table; our adapter matches
# only a provider-verified address to an account whose email we verified ourselves.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # we send our own verification link
SOCIALACCOUNT_STORE_TOKENS = False  # we read the profile once; no API calls later
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a provider login is a POST (CSRF)
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SOCIALACCOUNT_REQUESTS_TIMEOUT", default=10)
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Our limits (RATE_LIMITS, accounts.ratelimit) apply to provider logins too.
ACCOUNT_RATE_LIMITS = False

# --- Field encryption -----------------------------------------------------------------


def _derived_field_key(secret: str) -> str:
    digest = hashlib.sha256(b"savebucks.field-encryption:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


# Fernet keys, newest first: new values are encrypted with the first, old rows still
# decrypt with any. Unset, one key is derived from the secret key, as Django derives
# its signing keys; set it to rotate the two independently.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or [
    _derived_field_key(SECRET_KEY)
]

# --- Gift-card store (README "Gift-card store") ---------------------------------------

STORE_MAX_ORDER_AMOUNT = Decimal(env.str("STORE_MAX_ORDER_AMOUNT", default="500.00"))
STORE_MAX_ITEM_QUANTITY = 10
# Fraud limits: orders and spend per shopper in any 24 hours; new accounts spend less.
STORE_DAILY_ORDER_COUNT = env.int("STORE_DAILY_ORDER_COUNT", default=10)
STORE_DAILY_ORDER_AMOUNT = Decimal(env.str("STORE_DAILY_ORDER_AMOUNT", default="1000.00"))
STORE_NEW_ACCOUNT_DAYS = env.int("STORE_NEW_ACCOUNT_DAYS", default=7)
STORE_NEW_ACCOUNT_MAX_AMOUNT = Decimal(env.str("STORE_NEW_ACCOUNT_MAX_AMOUNT", default="50.00"))
# How long an unpaid gateway order keeps its codes and wallet hold.
STORE_RESERVATION_MINUTES = env.int("STORE_RESERVATION_MINUTES", default=30)
# Cashback on a purchase is pending this long (the refund window), then available.
STORE_CASHBACK_HOLD_DAYS = env.int("STORE_CASHBACK_HOLD_DAYS", default=30)
# Keyed hash of voucher and gift-card codes (duplicates, redemption lookups). Unset, it is
# derived from the secret key; set it before rotating the secret key.
STORE_CODE_DIGEST_KEY = (
    env.str("STORE_CODE_DIGEST_KEY", default="")
    or hashlib.sha256(b"savebucks.store-code-digest:" + SECRET_KEY.encode()).hexdigest()
)
# Gateways shoppers may choose. `fake` is the local pay page for `make run`: it is refused
# whenever DEBUG is off, whatever this says.
STORE_GATEWAYS = env.list("STORE_GATEWAYS", default=["fake"] if DEBUG else [])
STORE_GATEWAY_TIMEOUT = env.int("STORE_GATEWAY_TIMEOUT", default=15)
RAZORPAY_KEY_ID = env.str("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env.str("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env.str("RAZORPAY_WEBHOOK_SECRET", default="")
RAZORPAY_API_BASE = env.str("RAZORPAY_API_BASE", default="https://api.razorpay.com")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
# Seconds a Stripe signature stays valid (replays older than this are refused).
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# The voucher supplier (products whose source is `supplier`): a generic HTTP API.
STORE_SUPPLIER_URL = env.str("STORE_SUPPLIER_URL", default="")
STORE_SUPPLIER_KEY = env.str("STORE_SUPPLIER_KEY", default="")
STORE_SUPPLIER_TIMEOUT = env.int("STORE_SUPPLIER_TIMEOUT", default=15)
# Fetches of one order item's codes (each fulfilment run, the beat every 2 minutes, is
# one) that may end without codes (an error, or "not ready") before the order fails and
# is refunded: 30 is about an hour.
STORE_SUPPLIER_MAX_ATTEMPTS = env.int("STORE_SUPPLIER_MAX_ATTEMPTS", default=30)

# --- Internationalisation and money ---------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
PLATFORM_CURRENCY = env.str("PLATFORM_CURRENCY", default="USD").upper()
if len(PLATFORM_CURRENCY) != 3 or not PLATFORM_CURRENCY.isalpha():
    raise ImproperlyConfigured("PLATFORM_CURRENCY must be a three-letter ISO 4217 code.")
# The largest single amount (a sale, a commission, a withdrawal, an adjustment) we accept.
# Far below what a money column holds, so that balances, which add many of them up in
# wider columns, can never overflow.
MAX_TRANSACTION_AMOUNT = Decimal(env.str("MAX_TRANSACTION_AMOUNT", default="1000000.00"))
if not Decimal("0") < MAX_TRANSACTION_AMOUNT <= Decimal("999999999999.99"):
    raise ImproperlyConfigured("MAX_TRANSACTION_AMOUNT must be positive and fit a money column.")

# --- Wallet: withdrawals and referral rewards ----------------------------------------

# Withdrawals above this need verified payout details (KYC).
WITHDRAWAL_KYC_THRESHOLD = Decimal(env.str("WITHDRAWAL_KYC_THRESHOLD", default="100.00"))
# Bonus money (daily bonus, codes, prizes) is withdrawable only once the shopper has a
# confirmed cashback: otherwise sign-up farms could cash out bonuses alone.
BONUS_WITHDRAWABLE_AFTER_FIRST_CASHBACK = env.bool(
    "BONUS_WITHDRAWABLE_AFTER_FIRST_CASHBACK", default=True
)
# Manual balance adjustments larger than this (either way) wait for a second staff member.
ADJUSTMENT_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("ADJUSTMENT_SECOND_APPROVAL_ABOVE", default="100.00")
)
# Paid from the platform's bonus expense when a referred shopper's first cashback confirms.
REFERRAL_BONUS_REFERRER = Decimal(env.str("REFERRAL_BONUS_REFERRER", default="5.00"))
REFERRAL_BONUS_REFERRED = Decimal(env.str("REFERRAL_BONUS_REFERRED", default="0.00"))
# Optionally, the referrer also earns this percent of the friend's confirmed cashback for
# the first REFERRAL_SHARE_DAYS days after the friend joined (0: off).
REFERRAL_SHARE_PERCENT = Decimal(env.str("REFERRAL_SHARE_PERCENT", default="0"))
REFERRAL_SHARE_DAYS = env.int("REFERRAL_SHARE_DAYS", default=90)
# PayPal Payouts; without credentials PayPal withdrawals are paid by hand like the rest.
PAYPAL_CLIENT_ID = env.str("PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env.str("PAYPAL_CLIENT_SECRET", default="")
PAYPAL_API_BASE = env.str("PAYPAL_API_BASE", default="https://api-m.sandbox.paypal.com")

# --- Gamification: points and VIP tiers -------------------------------------------------

# Points per currency unit of confirmed cashback (rounded down), and per referral that
# becomes active.
CASHBACK_POINTS_PER_UNIT = env.int("CASHBACK_POINTS_PER_UNIT", default=10)
REFERRAL_POINTS = env.int("REFERRAL_POINTS", default=500)
# Redemption: this many points make one currency unit; fewer than the minimum at once
# are refused (a redemption is a ledger transaction, not worth a cent).
POINTS_PER_CURRENCY_UNIT = env.int("POINTS_PER_CURRENCY_UNIT", default=1000)
POINTS_REDEEM_MINIMUM = env.int("POINTS_REDEEM_MINIMUM", default=1000)
if POINTS_PER_CURRENCY_UNIT <= 0 or POINTS_REDEEM_MINIMUM < POINTS_PER_CURRENCY_UNIT // 100:
    raise ImproperlyConfigured(
        "POINTS_PER_CURRENCY_UNIT must be positive and POINTS_REDEEM_MINIMUM worth a cent."
    )

# --- Support: tickets, missing-cashback claims, notifications, Telegram ---------------
# Office hours the SLA clocks run in (TIME_ZONE), e.g. "Mon-Fri 09:00-18:00".
SUPPORT_BUSINESS_HOURS = env.str("SUPPORT_BUSINESS_HOURS", default="Mon-Fri 09:00-18:00")
# Business hours to the first staff answer and to resolution, per ticket priority.
SUPPORT_SLA_HOURS = {
    "urgent": (1, 8),
    "high": (4, 24),
    "normal": (8, 45),
    "low": (24, 90),
}
# A resolved ticket nobody answers closes itself after this many days.
SUPPORT_STALE_CLOSE_DAYS = env.int("SUPPORT_STALE_CLOSE_DAYS", default=7)
SUPPORT_ATTACHMENT_MAX_BYTES = env.int("SUPPORT_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
# Support attachments and claim proofs: never under MEDIA_ROOT, served only by their views.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# A claim needs a click on the store at most this many days before the order, may be filed
# no later than this many days after it (and no sooner than the store's claim_wait_days).
CLAIM_CLICK_WINDOW_DAYS = env.int("CLAIM_CLICK_WINDOW_DAYS", default=30)
CLAIM_MAX_AGE_DAYS = env.int("CLAIM_MAX_AGE_DAYS", default=90)
# Telegram bot (empty token: the bot is off and the profile says how to turn it on).
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="")
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_API_BASE = env.str("TELEGRAM_API_BASE", default="https://api.telegram.org")
TELEGRAM_TIMEOUT = env.int("TELEGRAM_TIMEOUT", default=10)
# Broadcasts stay under Telegram's limit of about 30 messages a second per bot.
TELEGRAM_BROADCAST_PER_SECOND = env.int("TELEGRAM_BROADCAST_PER_SECOND", default=25)

# --- CMS, SEO and newsletter ------------------------------------------------------------

# Paths the redirect middleware never looks at, even on a 404: the hot paths (a wrong
# click-out or postback must stay a plain 404 with no query) and machine endpoints.
CMS_REDIRECT_SKIP_PREFIXES = (
    "/out/",
    "/go/",
    "/v/",
    "/postback/",
    "/api/",
    "/admin/",
    "/static/",
    "/media/",
    "/health/",
    "/webhooks/",
)
# 404s are counted per path; longer paths are cut to this many characters.
CMS_NOT_FOUND_MAX_PATH = 500
# A confirmation link is good for this long (the issue: 7 days).
NEWSLETTER_CONFIRM_MAX_AGE_DAYS = env.int("NEWSLETTER_CONFIRM_MAX_AGE_DAYS", default=7)
# The consent text shown beside every subscribe form; change the version with the text,
# each consent record keeps the version the subscriber saw.
NEWSLETTER_CONSENT_VERSION = env.str("NEWSLETTER_CONSENT_VERSION", default="2026-12")
NEWSLETTER_CONSENT_TEXT = env.str(
    "NEWSLETTER_CONSENT_TEXT",
    default=(
        "Send me this newsletter by email. I can unsubscribe at any time with one click; "
        "SaveBucks keeps a record of this consent."
    ),
)
# Recipients per batch of a newsletter send (one task per batch).
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
# Offers appended to an issue: the top ones of the last seven days.
NEWSLETTER_TOP_OFFERS = env.int("NEWSLETTER_TOP_OFFERS", default=5)
# Hosts an absolute redirect target may lead to besides SITE_URL's own ("partner.example",
# ".partner.example" with its subdomains). A rule answers from our domain, so a rule to
# any host would let an editor's slip, or a stolen editor account, turn a savebucks URL
# into a phishing link; ops list the partners' hosts instead.
CMS_REDIRECT_ALLOWED_HOSTS = env.list("CMS_REDIRECT_ALLOWED_HOSTS", default=[])

# --- Affiliate network -----------------------------------------------------------------

# The same ip + user agent on the same link within this many seconds is not a new visitor.
AFFILIATE_UNIQUE_CLICK_WINDOW = env.int("AFFILIATE_UNIQUE_CLICK_WINDOW", default=24 * 3600)
# A conversion faster than this after its click is put on hold (nobody buys that fast).
AFFILIATE_MIN_SECONDS_TO_CONVERT = env.int("AFFILIATE_MIN_SECONDS_TO_CONVERT", default=10)
# Where /go/ sends visitors when a campaign has no fallback URL of its own.
AFFILIATE_FALLBACK_URL = env.str("AFFILIATE_FALLBACK_URL", default="/")
PARTNER_PAYOUT_MINIMUM = Decimal(env.str("PARTNER_PAYOUT_MINIMUM", default="50.00"))
PARTNER_POSTBACK_TIMEOUT = env.int("PARTNER_POSTBACK_TIMEOUT", default=5)
# Only for tests and closed networks: let partner postbacks reach private addresses.
PARTNER_POSTBACK_ALLOW_PRIVATE = env.bool("PARTNER_POSTBACK_ALLOW_PRIVATE", default=False)

# --- Static and media -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------

# EMAIL_URL: consolemail:// (default), smtp+tls://user:password@host:587, …
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SaveBucks <no-reply@savebucks.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_NAME = env.str("SITE_NAME", default="SaveBucks")
# The site's public address, for links in emails and Telegram messages sent by tasks
# (which have no request to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Security (production values unless debugging; each can be overridden) ------------

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Merchants see that a visit came from us (the origin), never which page of ours.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- REST API -------------------------------------------------------------------------

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "config.api.api_exception_handler",
    # JSON bodies only: one request shape to document and to generate clients from (a
    # form-encoded or multipart write answers 415 in the error shape).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "config.api_filters.FilterBackend",
        "config.api.StableOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        "partner_key": env.str("API_THROTTLE_PARTNER_KEY", default="1200/minute"),
        "newsletter": env.str("API_THROTTLE_NEWSLETTER", default="10/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ErrorCodesSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SaveBucks API",
    "DESCRIPTION": (
        "Shopper and partner API. Session authentication (with CSRF) for the site; "
        "money amounts are decimal strings."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.document_error_responses",
    ],
    # Several models have a "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "UserStatusEnum": "accounts.models.User.Status",
        "ReferralStatusEnum": "accounts.models.Referral.Status",
        "CashbackStatusEnum": "wallet.models.CashbackEvent.Status",
        "CashbackNetworkStatusEnum": "wallet.models.CashbackEvent.NetworkStatus",
        "WithdrawalStatusEnum": "wallet.models.Withdrawal.Status",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "LinkStatusEnum": "affiliates.models.Link.Status",
        "ConversionStatusEnum": "affiliates.models.Conversion.Status",
        "DeliveryStatusEnum": "affiliates.models.PostbackDelivery.Status",
        "WithdrawalMethodEnum": "wallet.models.WithdrawalMethod.Code",
        "PostbackMethodEnum": "affiliates.models.PartnerPostback.Method",
        "OfferTypeEnum": "offers.models.Offer.Type",
        "CashbackTypeEnum": "offers.models.terms.CashbackType",
        "RaceStatusEnum": "gamification.models.Race.Status",
        "RaceTypeEnum": "gamification.models.Race.Type",
        "RaceMetricEnum": "gamification.models.Race.Metric",
        "ChallengeStatusEnum": "gamification.models.Challenge.Status",
        "ChallengeEntryStatusEnum": "gamification.models.ChallengeEntry.Status",
        "LeaderboardTypeEnum": "gamification.models.Leaderboard.Type",
        "LeaderboardFrequencyEnum": "gamification.models.Leaderboard.Frequency",
        "TicketStatusEnum": "support.models.Ticket.Status",
        "TicketCategoryEnum": "support.models.Ticket.Category",
        "TicketPriorityEnum": "support.models.Ticket.Priority",
        "StoreOrderStatusEnum": "store.models.Order.Status",
        "StoreOrderItemStatusEnum": "store.models.OrderItem.Status",
        "StorePaymentMethodEnum": "store.models.Order.Payment",
        "StoreProductKindEnum": "store.models.Product.Kind",
        "StoreProductDeliveryEnum": "store.models.Product.Delivery",
    },
}

# --- Logging: one line per event, JSON in production, each with the request id -------

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}
