"""Sign-up and log-in with Google and Facebook, through allauth's real views (offline)."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import AuditLog, Referral, User, UserSession

from .factories import UnverifiedUserFactory, UserFactory
from .social_support import (
    facebook_responses,
    google_responses,
    messages_of,
    providers_settings,
    social_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _providers_on(settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()


def test_google_sign_up_creates_a_verified_shopper_and_records_the_session(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = social_login(
            client, "google", google_responses(email="Kim@Example.com", verified=True)
        )

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get()
    assert user.email == "kim@example.com"
    assert (user.first_name, user.last_name) == ("Kim", "Lee")
    assert user.status == User.Status.ACTIVE
    assert user.email_verified_at is not None
    assert not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    [account] = SocialAccount.objects.all()
    assert (account.provider, account.uid, account.user_id) == ("google", "g-1001", user.pk)
    session = UserSession.objects.get()
    assert (session.user_id, session.session_key) == (user.pk, client.session.session_key)
    assert (session.ip, session.device) == ("203.0.113.9", "Chrome 120 on Linux")
    assert user.last_login_ip == "203.0.113.9"
    [audit] = AuditLog.objects.all()
    assert (audit.action, audit.actor_id) == ("user.social_link", user.pk)
    assert (audit.entity_type, audit.entity_id) == ("accounts.user", str(user.pk))
    assert audit.metadata == {"provider": "google", "uid": "g-1001", "via": "signup"}
    assert mailoutbox == []  # Google verified the address: no link to click
    assert messages_of(response) == ["Welcome to SaveBucks, Kim Lee!"]


def test_facebook_sign_up_with_an_address_it_does_not_verify_gets_our_verification_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = social_login(client, "facebook", facebook_responses(email="nia@example.com"))

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get()
    assert user.email == "nia@example.com"
    assert user.status == User.Status.PENDING_VERIFICATION
    assert user.email_verified_at is None
    assert SocialAccount.objects.get().uid == "fb-2002"
    assert int(client.session["_auth_user_id"]) == user.pk
    [email] = mailoutbox
    assert email.to == ["nia@example.com"]
    assert re.search(r"http://testserver/accounts/verify/\S+/", email.body)
    assert messages_of(response) == [
        "Welcome to SaveBucks! We sent a verification link to nia@example.com."
    ]


def test_a_linked_provider_account_logs_its_user_in_again(client):
    user = UserFactory(email="kim@example.com")
    SocialAccount.objects.create(user=user, provider="facebook", uid="fb-2002")

    # The address Facebook gives does not matter any more: the account is linked.
    response = social_login(client, "facebook", facebook_responses(email="x@example.com"))

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user_id == user.pk
    assert UserSession.objects.get().session_key == client.session.session_key
    assert AuditLog.objects.count() == 0  # a login, as with a password, links nothing


def test_next_is_followed_when_it_is_ours_and_ignored_when_it_is_not(client):
    UserFactory(email="kim@example.com")

    ours = social_login(client, "google", google_responses(), next="/wallet/")
    client.logout()
    theirs = social_login(client, "google", google_responses(), next="https://evil.example/")

    assert ours.url == "/wallet/"
    assert theirs.url == reverse("dashboard")


# --- An existing account is reached only through a verified email ---------------------


def test_google_verified_email_links_and_logs_into_our_verified_account(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="kim@example.com")
    password_before = user.password

    with django_capture_on_commit_callbacks(execute=True):
        response = social_login(client, "google", google_responses(email="KIM@example.com"))

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert User.objects.count() == 1
    account = SocialAccount.objects.get()
    assert (account.user_id, account.uid) == (user.pk, "g-1001")
    user.refresh_from_db()
    assert user.password == password_before  # the password still works too
    [audit] = AuditLog.objects.all()
    assert (audit.action, audit.actor_id) == ("user.social_link", user.pk)
    assert audit.metadata == {"provider": "google", "uid": "g-1001", "via": "verified_email"}
    assert UserSession.objects.get().user_id == user.pk
    [email] = mailoutbox  # if it was not them, they learn it now
    assert (email.to, email.subject) == (
        ["kim@example.com"],
        "Google was linked to your SaveBucks account",
    )


def _refused_without_trace(client, response, victim, password_before):
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.count() == 0
    assert User.objects.count() == 1
    assert UserSession.objects.count() == 0
    assert AuditLog.objects.count() == 0
    victim.refresh_from_db()
    assert victim.password == password_before
    assert messages_of(response) == [
        f"An account with {victim.email} already exists. Log in with your password, "
        f"then link {'Google' if 'google' in response.wsgi_request.path else 'Facebook'} "
        "on your profile page."
    ]


def test_attacker_google_account_claiming_an_unverified_email_gets_nothing(client):
    # Someone signed up here with an address they have not verified (yet). A provider
    # account claiming that address, even one the provider calls verified, must neither
    # log into that account nor link itself to it: whoever owns the mailbox may not be
    # whoever signed up, and an attacker could otherwise take over the account later.
    victim = UnverifiedUserFactory(email="victim@example.com")

    response = social_login(
        client, "google", google_responses(sub="attacker", email="victim@example.com")
    )

    _refused_without_trace(client, response, victim, victim.password)


def test_provider_that_does_not_verify_the_email_never_reaches_a_verified_account(client):
    # Facebook does not vouch for the address: anyone can put a victim's email on a
    # Facebook account. Our side is verified here; it is still refused.
    victim = UserFactory(email="victim@example.com")

    response = social_login(
        client, "facebook", facebook_responses(uid="attacker", email="victim@example.com")
    )

    _refused_without_trace(client, response, victim, victim.password)


def test_google_unverified_claim_on_a_verified_account_is_refused(client):
    victim = UserFactory(email="victim@example.com")

    response = social_login(
        client,
        "google",
        google_responses(sub="attacker", email="victim@example.com", verified=False),
    )

    _refused_without_trace(client, response, victim, victim.password)


def test_suspended_account_is_not_reached_through_its_verified_email(client):
    victim = UserFactory(email="kim@example.com", status=User.Status.SUSPENDED)

    response = social_login(client, "google", google_responses())

    _refused_without_trace(client, response, victim, victim.password)


def test_suspended_user_with_a_linked_account_cannot_log_in(client):
    user = UserFactory(email="kim@example.com")
    social_login(client, "google", google_responses())
    client.logout()
    User.objects.filter(pk=user.pk).update(status=User.Status.SUSPENDED)
    UserSession.objects.all().delete()

    response = social_login(client, "google", google_responses())

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert UserSession.objects.count() == 0
    assert messages_of(response) == [
        "This account is suspended. Contact support if you think this is a mistake."
    ]


def test_provider_without_an_email_cannot_sign_up(client):
    response = social_login(client, "facebook", facebook_responses(email=""))

    assert response.url == reverse("accounts:login")
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    assert messages_of(response) == [
        "Facebook did not share an email address with us. "
        "Please sign up with your email address instead."
    ]


# --- Referral codes, as on the password sign-up ----------------------------------------


def test_referral_code_from_the_sign_up_page_is_honoured(client):
    referrer = UserFactory(email="ria@example.com")

    social_login(client, "google", google_responses(), ref=referrer.referral_code.lower())

    user = User.objects.get(email="kim@example.com")
    assert user.referred_by_id == referrer.pk
    referral = Referral.objects.get()
    assert (referral.referrer_id, referral.referred_id) == (referrer.pk, user.pk)
    assert referral.status == Referral.Status.PENDING


def test_unknown_referral_code_refuses_the_sign_up_like_the_form_does(client):
    response = social_login(client, "google", google_responses(), ref="NOSUCHCODE")

    assert response.url == reverse("accounts:signup")
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    assert Referral.objects.count() == 0
    assert "_auth_user_id" not in client.session
    assert messages_of(response) == ["This referral code is not valid."]


def test_own_referral_code_under_another_alias_is_refused(client):
    referrer = UserFactory(email="kim@gmail.com")

    alias = google_responses(email="k.i.m+deals@gmail.com")

    response = social_login(client, "google", alias, ref=referrer.referral_code)

    assert response.url == reverse("accounts:signup")
    assert User.objects.count() == 1
    assert Referral.objects.count() == 0
    assert messages_of(response) == ["You can't use your own referral code."]


def test_referral_code_is_not_kept_for_a_later_sign_up(client):
    referrer = UserFactory(email="ria@example.com")
    UserFactory(email="kim@example.com")
    social_login(client, "google", google_responses(), ref=referrer.referral_code)  # a login
    assert "social_referral_code" not in client.session
    client.logout()

    social_login(client, "google", google_responses(sub="g-2", email="new@example.com"))

    assert User.objects.get(email="new@example.com").referred_by is None
    assert Referral.objects.count() == 0


def test_the_redirect_process_neither_links_nor_signs_up(client):
    UserFactory(email="kim@example.com")

    response = social_login(client, "google", google_responses(), process="redirect")
    other = social_login(
        client, "google", google_responses(sub="g-2", email="n@example.com"), process="redirect"
    )

    assert response.url == other.url == reverse("accounts:login")
    assert SocialAccount.objects.count() == 0
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_a_facebook_account_that_made_up_the_address_is_dropped_when_its_owner_comes(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    # Account pre-hijacking: an attacker signs up through Facebook (which does not verify
    # addresses) with the victim's address. The victim clicks the "verify" link we send,
    # and later arrives with Google, which proves the address. Before, Google was linked
    # next to the attacker's Facebook: the attacker could log into the victim's account
    # (and its cashback) whenever they liked.
    attacker = client.__class__()
    with django_capture_on_commit_callbacks(execute=True):
        social_login(attacker, "facebook", facebook_responses(uid="fb-evil", email="kim@x.com"))
    account = User.objects.get()
    link = re.search(r"http://testserver(/accounts/verify/\S+/)", mailoutbox[0].body).group(1)
    client.get(link)  # the victim, puzzled, verifies "their" address

    with django_capture_on_commit_callbacks(execute=True):
        victim = social_login(client, "google", google_responses(sub="g-kim", email="kim@x.com"))
    assert int(client.session["_auth_user_id"]) == account.pk

    assert list(SocialAccount.objects.values_list("provider", "uid")) == [("google", "g-kim")]
    assert "_auth_user_id" not in attacker.session  # their session ended
    again = social_login(attacker, "facebook", facebook_responses(uid="fb-evil", email="kim@x.com"))
    assert "_auth_user_id" not in attacker.session
    assert again.url == reverse("accounts:login")
    unlinked = AuditLog.objects.get(action="user.social_unlink")
    assert unlinked.metadata == {"provider": "facebook", "uid": "fb-evil", "via": "address_proved"}
    assert [m.subject for m in mailoutbox[-2:]] == [
        "Google was linked to your SaveBucks account",
        "Facebook was unlinked from your SaveBucks account",
    ]
    assert victim.status_code == 302


def test_a_google_login_that_verified_the_address_stays_beside_another(client):
    user = UserFactory(email="kim@example.com")
    social_login(client, "google", google_responses(sub="g-1", email="kim@example.com"))
    client.logout()
    SocialAccount.objects.filter(uid="g-1").update(user=user)

    # A second Google account proving the same address (a workspace alias) keeps the first.
    social_login(client, "google", google_responses(sub="g-2", email="kim@example.com"))

    assert sorted(SocialAccount.objects.values_list("uid", flat=True)) == ["g-1", "g-2"]


NEW_PASSWORD = "plum-orchard-42"


def _reset_with_link(client, email_message, password=NEW_PASSWORD):
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", email_message.body)
    form_url = client.get(link.group(1)).url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_password_reset_by_the_addresss_owner_drops_a_facebook_login_that_made_it_up(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    # The same attack through a password: the attacker, logged in through their Facebook
    # with the victim's address, has us email the victim a "choose your password" link.
    # The victim follows it and uses the account; the attacker's Facebook must not stay.
    attacker = client.__class__()
    with django_capture_on_commit_callbacks(execute=True):
        social_login(attacker, "facebook", facebook_responses(uid="fb-evil", email="kim@x.com"))
        attacker.post(reverse("accounts:password-set"))
    account = User.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        done = _reset_with_link(client, mailoutbox[-1])

    assert done.url == reverse("accounts:password-reset-complete")
    assert SocialAccount.objects.count() == 0
    assert "_auth_user_id" not in attacker.session
    again = social_login(attacker, "facebook", facebook_responses(uid="fb-evil", email="kim@x.com"))
    assert again.url == reverse("accounts:login")
    assert "_auth_user_id" not in attacker.session
    account.refresh_from_db()
    assert account.check_password("plum-orchard-42")
    assert mailoutbox[-1].subject == "Facebook was unlinked from your SaveBucks account"


def test_a_login_linked_from_the_profile_of_a_verified_account_survives_a_reset(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="kim@example.com")
    client.force_login(user)
    social_login(client, "facebook", facebook_responses(), process="connect")
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "kim@example.com"})

    _reset_with_link(client, mailoutbox[-1])

    assert SocialAccount.objects.get().user_id == user.pk
