"""Suite-wide fixtures and the rule for tests that need real services.

Tests marked `postgres`, `redis` or `browser` need PostgreSQL (DATABASE_URL), Redis
(REDIS_URL) or Debian's chromium. Without them they skip on a developer's machine; with
CI set they fail instead, so a CI run that cannot reach a service is red, never green
with holes.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache

from config import row_cache
from config.celery import app as celery_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _missing_service(marker: str) -> str | None:
    if marker == "postgres" and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if marker == "redis" and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://…"
    if marker == "browser" and not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        return (
            "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing_service(marker)
        if reason is None:
            continue
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test but it {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run inline even when REDIS_URL points Celery at a real broker; tests that
    # want a worker say so explicitly.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    cache.clear()
    row_cache.forget_all()  # each test's rows, not the last test's under a reused id
    yield
    celery_app.conf.task_always_eager = eager
    cache.clear()


@pytest.fixture
def browser(tmp_path):
    """Debian's headless chromium through Debian's chromedriver; nothing is downloaded."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        # The machine has no network: these stop chromium phoning home at start.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1400",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def artifacts_dir():
    """Screenshots and other evidence from browser tests; git-ignored."""
    path = settings.BASE_DIR / "artifacts"
    path.mkdir(exist_ok=True)
    return path
