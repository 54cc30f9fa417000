"""Fixed-window attempt counters in the cache, for login, signup and password reset.

DRF throttles cover the API; these cover the HTML forms, where a refusal must be a form
error with a clear message rather than a bare 429.

An attempt is counted before the work it guards (`hit`, then compare with `limit`), never
checked first and counted after: a password hash takes long enough that concurrent
requests would all pass a check made before any of them counted.
"""

import hashlib
import math
import time
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    scope: str

    @property
    def limit(self) -> int:
        return settings.RATE_LIMITS[self.scope][0]

    @property
    def window(self) -> int:
        return settings.RATE_LIMITS[self.scope][1]

    def _key(self, key: str) -> str:
        bucket = int(time.time() // self.window)
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}:{bucket}"

    def count(self, key: str) -> int:
        return cache.get(self._key(key), 0)

    def hit(self, key: str) -> int:
        """Count one attempt and return the count so far, atomically across processes."""
        cache_key = self._key(key)
        if cache.add(cache_key, 1, timeout=self.window):
            return 1
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, 1, timeout=self.window)
            return 1

    def allows(self, key: str) -> bool:
        """Count one attempt now and say whether it is within the limit."""
        return self.hit(key) <= self.limit

    def refund(self, key: str) -> None:
        """Give back one attempt that turned out not to count (a successful login).

        Across a window's edge the refund lands in the new window: at worst one extra
        attempt there per successful login, which takes knowing a password.
        """
        with suppress(ValueError):  # the new window has no count yet: nothing to give back
            cache.decr(self._key(key))

    def reset(self, key: str) -> None:
        cache.delete(self._key(key))

    def wait_minutes(self) -> int:
        remaining = self.window - (time.time() % self.window)
        return max(1, math.ceil(remaining / 60))

    def message(self, action: str) -> str:
        minutes = self.wait_minutes()
        unit = "minute" if minutes == 1 else "minutes"
        return f"Too many {action} attempts. Please wait {minutes} {unit} and try again."


LOGIN_IP = RateLimit("login_ip")
LOGIN_ACCOUNT = RateLimit("login_account")
SIGNUP_IP = RateLimit("signup_ip")
RESET_IP = RateLimit("reset_ip")
RESET_ACCOUNT = RateLimit("reset_account")
VERIFY_RESEND_ACCOUNT = RateLimit("verify_resend_account")
# Invitation emails a team sends (withdrawing one and sending it again counts again).
TEAM_INVITE = RateLimit("team_invite")


def login_limits_hit(*, ip: str, email: str) -> RateLimit | None:
    """Count one login attempt (password or provider) against the address and the
    account; the limit it broke, if any. Counted before the work it guards."""
    for limit, key in ((LOGIN_IP, ip), (LOGIN_ACCOUNT, email)):
        if not limit.allows(key):
            return limit
    return None


def login_succeeded(*, ip: str, email: str) -> None:
    """Only failures count. Whoever proves the account may clear its count; the address
    gets back just this attempt, or one account known to an attacker could clear the
    count for every account tried from there."""
    LOGIN_ACCOUNT.reset(email)
    LOGIN_IP.refund(ip)
