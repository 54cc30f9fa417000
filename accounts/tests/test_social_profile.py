"""Linking and unlinking providers on the profile page; a first password for them."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import AuditLog, User

from .factories import PASSWORD, SuperuserFactory, UserFactory
from .social_support import (
    facebook_responses,
    google_responses,
    messages_of,
    providers_settings,
    social_login,
)

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


@pytest.fixture(autouse=True)
def _providers_on(settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()


def _unlink(client, account):
    return client.post(reverse("social-unlink", args=[account.pk]))


def test_profile_links_a_provider_account_whatever_its_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="kim@example.com")
    client.force_login(user)
    session_key = client.session.session_key

    with django_capture_on_commit_callbacks(execute=True):
        response = social_login(
            client,
            "facebook",
            facebook_responses(email="kim.lee@elsewhere.example"),
            process="connect",
        )

    assert response.status_code == 302
    assert response.url == PROFILE
    account = SocialAccount.objects.get()
    assert (account.user_id, account.provider, account.uid) == (user.pk, "facebook", "fb-2002")
    assert client.session.session_key == session_key  # linking is not a new login
    assert User.objects.count() == 1
    [audit] = AuditLog.objects.all()
    assert (audit.action, audit.actor_id) == ("user.social_link", user.pk)
    assert audit.metadata == {"provider": "facebook", "uid": "fb-2002", "via": "profile"}
    assert messages_of(response) == ["Facebook is linked: you can now log in with it."]
    [email] = mailoutbox
    assert email.to == ["kim@example.com"]
    assert email.subject == "Facebook was linked to your SaveBucks account"
    assert "Your Facebook account (kim.lee@elsewhere.example) was just linked" in email.body
    page = client.get(PROFILE).content.decode()
    assert f'data-test="linked-{account.pk}"' in page
    assert "kim.lee@elsewhere.example" in page


def test_profile_shows_link_buttons_for_configured_providers(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings(facebook=False)
    client.force_login(UserFactory())

    page = client.get(PROFILE).content.decode()

    assert 'data-test="link-google"' in page
    assert 'name="process" value="connect"' in page
    assert "Link Facebook" not in page


def test_provider_account_linked_to_someone_else_is_not_moved(client):
    owner = UserFactory(email="owner@example.com")
    SocialAccount.objects.create(user=owner, provider="google", uid="g-1001")
    other = UserFactory(email="other@example.com")
    client.force_login(other)

    response = social_login(client, "google", google_responses(), process="connect")

    assert response.url == PROFILE
    assert SocialAccount.objects.get().user_id == owner.pk
    assert int(client.session["_auth_user_id"]) == other.pk
    assert AuditLog.objects.count() == 0
    assert messages_of(response) == [
        "This Google account is already linked to another SaveBucks account."
    ]


def test_linking_again_the_same_account_changes_nothing(client):
    user = UserFactory()
    SocialAccount.objects.create(user=user, provider="google", uid="g-1001")
    client.force_login(user)

    response = social_login(client, "google", google_responses(), process="connect")

    assert response.url == PROFILE
    assert SocialAccount.objects.get().user_id == user.pk
    assert AuditLog.objects.count() == 0


def test_connect_without_a_session_logs_nobody_in(client):
    response = social_login(client, "google", google_responses(), process="connect")

    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.count() == 0
    assert User.objects.count() == 0


def test_unlink_with_a_password_left(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="kim@example.com")
    account = SocialAccount.objects.create(user=user, provider="google", uid="g-1001")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _unlink(client, account)

    assert response.url == PROFILE
    assert SocialAccount.objects.count() == 0
    [audit] = AuditLog.objects.all()
    assert (audit.action, audit.actor_id) == ("user.social_unlink", user.pk)
    assert audit.metadata == {"provider": "google", "uid": "g-1001"}
    assert messages_of(response) == ["Google is unlinked."]
    [email] = mailoutbox
    assert (email.to, email.subject) == (
        ["kim@example.com"],
        "Google was unlinked from your SaveBucks account",
    )


def test_unlinking_the_last_way_in_is_refused(client):
    social_login(client, "google", google_responses())  # signs up: no password
    user = User.objects.get()
    account = SocialAccount.objects.get()
    AuditLog.objects.all().delete()

    response = _unlink(client, account)

    assert response.url == PROFILE
    assert SocialAccount.objects.get().pk == account.pk
    assert AuditLog.objects.count() == 0
    assert not user.has_usable_password()
    assert messages_of(response) == [
        "Google is the only way you can log in. Set a password first (or link another "
        "login), then unlink it."
    ]


def test_one_of_two_providers_may_go_without_a_password(client):
    social_login(client, "google", google_responses())
    user = User.objects.get()
    facebook = SocialAccount.objects.create(user=user, provider="facebook", uid="fb-2002")
    google = SocialAccount.objects.get(provider="google")

    first = _unlink(client, facebook)
    second = _unlink(client, google)

    assert messages_of(first) == ["Facebook is unlinked."]
    assert SocialAccount.objects.get().pk == google.pk
    assert messages_of(second)[-1].startswith("Google is the only way you can log in.")


def test_another_users_linked_account_is_404_and_untouched(client):
    owner = UserFactory()
    account = SocialAccount.objects.create(user=owner, provider="google", uid="g-1001")
    client.force_login(UserFactory())

    response = _unlink(client, account)

    assert response.status_code == 404
    assert SocialAccount.objects.get().user_id == owner.pk
    assert AuditLog.objects.count() == 0


def test_unlink_is_post_only_and_needs_a_login(client):
    account = SocialAccount.objects.create(user=UserFactory(), provider="google", uid="g")

    assert client.post(reverse("social-unlink", args=[account.pk])).status_code == 302
    client.force_login(account.user)
    assert client.get(reverse("social-unlink", args=[account.pk])).status_code == 405
    assert SocialAccount.objects.count() == 1


def test_set_a_first_password_then_unlink_and_log_in_with_it(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    social_login(client, "google", google_responses())
    user = User.objects.get()
    page = client.get(PROFILE).content.decode()
    assert reverse("accounts:password-set") in page
    assert reverse("accounts:password-change") not in page

    # The first password is chosen through a link sent to the account's address: the
    # session alone does not prove who holds it (see the next test).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-set"))
    assert response.url == PROFILE
    assert messages_of(response) == [
        "We sent a link to kim@example.com: open it to choose your password."
    ]
    [email] = mailoutbox
    assert email.to == ["kim@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", email.body).group(1)
    form_url = client.get(link).url
    done = client.post(
        form_url, {"new_password1": "plum-orchard-42", "new_password2": "plum-orchard-42"}
    )

    assert done.url == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password("plum-orchard-42")
    login = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "plum-orchard-42"}
    )
    assert login.url == reverse("dashboard")
    assert messages_of(_unlink(client, SocialAccount.objects.get())) == ["Google is unlinked."]


def test_a_stolen_session_cannot_set_a_password_without_the_mailbox(client, mailoutbox):
    # Whoever holds a Google-only user's session (a shared computer) could otherwise set a
    # password of their own: a way back in after the session ends, and the password the
    # payout details' re-check asks for.
    social_login(client, "google", google_responses())
    user = User.objects.get()

    response = client.post(
        reverse("accounts:password-set"),
        {"new_password1": "plum-orchard-42", "new_password2": "plum-orchard-42"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_set_password_is_for_accounts_without_one(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-set"),
        {"new_password1": "plum-orchard-42", "new_password2": "plum-orchard-42"},
    )

    assert response.url == reverse("accounts:password-change")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_staff_see_linked_accounts_read_only_and_no_allauth_app_pages(client):
    account = SocialAccount.objects.create(user=UserFactory(), provider="google", uid="g-7")
    client.force_login(SuperuserFactory())

    changelist = client.get(reverse("admin:socialaccount_socialaccount_changelist"))
    change = client.post(
        reverse("admin:socialaccount_socialaccount_change", args=[account.pk]),
        {"user": changelist.wsgi_request.user.pk, "provider": "google", "uid": "g-7"},
    )

    assert changelist.status_code == 200
    assert "g-7" in changelist.content.decode()
    assert change.status_code == 403
    assert SocialAccount.objects.get().user_id == account.user_id
    for name in ("socialaccount_socialapp", "socialaccount_socialtoken", "account_emailaddress"):
        assert client.get(f"/admin/{name.replace('_', '/', 1)}/").status_code == 404


def test_an_account_without_a_password_is_sent_to_set_one_not_to_change_it(client):
    social_login(client, "google", google_responses())
    user = User.objects.get()

    page = client.get(reverse("accounts:password-change"))
    posted = client.post(
        reverse("accounts:password-change"),
        {"old_password": "", "new_password1": "plum-orchard-4", "new_password2": "plum-orchard-4"},
    )

    assert (page.status_code, page.url) == (302, reverse("accounts:password-set"))
    assert (posted.status_code, posted.url) == (302, reverse("accounts:password-set"))
    user.refresh_from_db()
    assert not user.has_usable_password()
