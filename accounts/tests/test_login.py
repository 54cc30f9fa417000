import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, UserSession

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _login(client, email, password=PASSWORD, ip="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    )


def _errors(response):
    return response.context["form"].non_field_errors()


def test_login_with_any_case_of_email_records_the_session(client):
    user = UserFactory(email="kim@example.com")

    response = _login(client, "KIM@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    session = UserSession.objects.get()
    assert session.user == user
    assert session.session_key == client.session.session_key
    assert session.ip == "203.0.113.7"
    assert session.device == "Chrome 120 on Linux"
    user.refresh_from_db()
    assert user.last_login_ip == "203.0.113.7"
    assert user.last_login is not None


def test_wrong_password_is_a_generic_error(client):
    UserFactory(email="kim@example.com")

    response = _login(client, "kim@example.com", "not-the-password")

    assert _errors(response) == ["Please enter a correct email and password."]
    assert "_auth_user_id" not in client.session


def test_account_rate_limit_blocks_even_the_right_password(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (3, 900)}
    UserFactory(email="kim@example.com")
    for n in range(3):
        _login(client, "kim@example.com", f"guess-{n}", ip=f"198.51.100.{n}")

    response = _login(client, "kim@example.com", ip="198.51.100.99")

    assert response.status_code == 200
    [error] = _errors(response)
    assert error.startswith("Too many login attempts. Please wait ")
    assert "_auth_user_id" not in client.session
    assert UserSession.objects.count() == 0


def test_ip_rate_limit_covers_every_account_from_that_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (3, 600)}
    UserFactory(email="victim@example.com")
    for n in range(3):
        _login(client, f"probe{n}@example.com", "guess")

    blocked = _login(client, "victim@example.com")
    other_ip = _login(client, "victim@example.com", ip="192.0.2.55")

    assert _errors(blocked)[0].startswith("Too many login attempts")
    assert other_ip.status_code == 302


def test_successful_logins_do_not_count_toward_the_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (2, 900)}
    UserFactory(email="kim@example.com")
    for _ in range(3):
        assert _login(client, "kim@example.com").status_code == 302
        client.logout()


def test_suspended_account_is_told_only_with_the_right_password(client):
    UserFactory(email="sus@example.com", status=User.Status.SUSPENDED)

    wrong = _login(client, "sus@example.com", "guess")
    right = _login(client, "sus@example.com")

    assert _errors(wrong) == ["Please enter a correct email and password."]
    assert _errors(right) == [
        "This account is suspended. Contact support if you think this is a mistake."
    ]
    assert "_auth_user_id" not in client.session


def test_soft_deleted_account_cannot_log_in_and_keeps_its_email(client):
    UserFactory(email="gone@example.com", deleted_at=timezone.now())

    response = _login(client, "gone@example.com")

    assert _errors(response) == ["Please enter a correct email and password."]
    signup = client.post(
        reverse("accounts:signup"),
        {
            "email": "gone@example.com",
            "first_name": "Again",
            "password1": "plum-orchard-42",
            "password2": "plum-orchard-42",
        },
    )
    assert signup.context["form"].errors["email"] == ["An account with this email already exists."]


def test_unverified_user_may_log_in(client):
    UserFactory(
        email="new@example.com", status=User.Status.PENDING_VERIFICATION, email_verified_at=None
    )

    assert _login(client, "new@example.com").status_code == 302


def test_logout_forgets_the_session(client):
    UserFactory(email="kim@example.com")
    _login(client, "kim@example.com")

    client.post(reverse("accounts:logout"))

    assert UserSession.objects.count() == 0
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize(
    ("next_url", "signup_href"),
    [
        ("/partners/team/join/abc/", "/accounts/signup/?next=/partners/team/join/abc/"),
        ("https://evil.example.com/", "/accounts/signup/"),
    ],
)
def test_the_login_pages_sign_up_link_keeps_where_they_were_going(client, next_url, signup_href):
    page = client.get(LOGIN, {"next": next_url}).content.decode()

    assert f'href="{signup_href}" data-test="signup-link"' in page
