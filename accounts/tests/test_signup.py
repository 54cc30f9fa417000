import re

import pytest
from django.urls import reverse

from accounts.models import Referral, User

from .factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")


def _form(**overrides):
    data = {
        "email": "New.Shopper@Example.com",
        "first_name": "Nia",
        "last_name": "Newton",
        "password1": "plum-orchard-42",
        "password2": "plum-orchard-42",
        "referral_code": "",
    }
    data.update(overrides)
    return data


def test_signup_creates_pending_user_logs_in_and_emails_a_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, _form())

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get()
    assert user.email == "new.shopper@example.com"
    assert user.status == User.Status.PENDING_VERIFICATION
    assert user.email_verified_at is None
    assert user.referred_by is None
    assert len(user.referral_code) == 10
    assert Referral.objects.count() == 0
    assert int(client.session["_auth_user_id"]) == user.pk
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.shopper@example.com"]
    assert re.search(r"http://testserver/accounts/verify/\S+/", mailoutbox[0].body)


def test_ref_link_prefills_the_code(client):
    response = client.get(SIGNUP, {"ref": "ABCDEFGH23"})

    assert response.status_code == 200
    assert response.context["form"].initial["referral_code"] == "ABCDEFGH23"


def test_signup_with_referral_links_both_sides(client):
    referrer = UserFactory(email="ria@example.com")

    response = client.post(SIGNUP, _form(referral_code=referrer.referral_code.lower()))

    assert response.status_code == 302
    user = User.objects.get(email="new.shopper@example.com")
    assert user.referred_by == referrer
    referral = Referral.objects.get()
    assert (referral.referrer, referral.referred) == (referrer, user)
    assert referral.status == Referral.Status.PENDING
    assert str(referral.total_earned) == "0.00"


def test_unknown_referral_code_is_refused_and_nothing_is_created(client, mailoutbox):
    response = client.post(SIGNUP, _form(referral_code="NOSUCHCODE"))

    assert response.status_code == 200
    assert response.context["form"].errors["referral_code"] == ["This referral code is not valid."]
    assert User.objects.count() == 0
    assert Referral.objects.count() == 0
    assert mailoutbox == []


def test_self_referral_through_a_plus_alias_is_refused(client, mailoutbox):
    referrer = UserFactory(email="ria@example.com")

    response = client.post(
        SIGNUP, _form(email="Ria+Cashback@example.com", referral_code=referrer.referral_code)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["referral_code"] == [
        "You can't use your own referral code."
    ]
    assert User.objects.count() == 1
    assert Referral.objects.count() == 0
    assert mailoutbox == []


def test_gmail_dots_are_the_same_mailbox(client):
    referrer = UserFactory(email="ria.rossi@gmail.com")

    response = client.post(
        SIGNUP, _form(email="riarossi+x@googlemail.com", referral_code=referrer.referral_code)
    )

    assert response.context["form"].errors["referral_code"] == [
        "You can't use your own referral code."
    ]
    assert Referral.objects.count() == 0


def test_logged_in_user_following_own_link_is_told_and_not_referred(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get(SIGNUP, {"ref": user.referral_code}, follow=True)

    assert response.redirect_chain == [(reverse("dashboard"), 302)]
    assert "your own referral link" in response.content.decode()
    assert Referral.objects.count() == 0


def test_suspended_referrers_code_is_not_valid(client):
    referrer = UserFactory(status=User.Status.SUSPENDED)

    response = client.post(SIGNUP, _form(referral_code=referrer.referral_code))

    assert response.context["form"].errors["referral_code"] == ["This referral code is not valid."]
    assert User.objects.count() == 1


def test_email_is_unique_whatever_its_case(client):
    UserFactory(email="taken@example.com")

    response = client.post(SIGNUP, _form(email="Taken@Example.COM"))

    assert response.context["form"].errors["email"] == [
        "An account with this email already exists."
    ]
    assert User.objects.count() == 1


def test_weak_or_mismatched_passwords_are_refused(client):
    response = client.post(SIGNUP, _form(password1="12345678", password2="12345678"))
    assert "password1" in response.context["form"].errors

    response = client.post(SIGNUP, _form(password2="something-else-1"))
    assert response.context["form"].errors["password2"] == ["The two passwords don't match."]
    assert User.objects.count() == 0


def test_signup_rate_limit_per_ip(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": (2, 3600)}
    for n in range(2):
        client.post(SIGNUP, _form(email=f"user{n}@example.com"))
        client.logout()

    response = client.post(SIGNUP, _form(email="third@example.com"))

    assert response.status_code == 200
    assert "Too many sign-up attempts" in response.content.decode()
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "user0@example.com",
        "user1@example.com",
    ]


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/partners/team/join/abc/", "/partners/team/join/abc/"),
        ("https://evil.example.com/", reverse("dashboard")),
        ("//evil.example.com/", reverse("dashboard")),
    ],
)
def test_signup_goes_on_to_a_next_page_on_this_site_only(client, next_url, lands_on):
    response = client.post(f"{SIGNUP}?next={next_url}", _form())

    assert response.status_code == 302
    assert response.url == lands_on
    assert User.objects.count() == 1
