import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-mosaic-77"


def _logged_in_client(user, agent="Firefox"):
    client = Client(HTTP_USER_AGENT=f"Mozilla/5.0 {agent}")
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _reset_link(mail) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.body).group(1)


def test_password_reset_end_to_end_logs_out_every_session(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="kim@example.com")
    elsewhere = _logged_in_client(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "Kim@Example.com"})
    assert response.url == reverse("accounts:password-reset-done")
    assert [m.to for m in mailoutbox] == [["kim@example.com"]]

    form_url = client.get(_reset_link(mailoutbox[0])).url  # Django swaps the token for a session
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.url == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert UserSession.objects.count() == 0
    assert elsewhere.get(reverse("dashboard")).status_code == 302


def test_reset_link_works_once(client, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="kim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "kim@example.com"})
    link = _reset_link(mailoutbox[0])
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert 'data-test="invalid-link"' in again.content.decode()


def test_reset_for_unknown_or_deleted_address_sends_nothing_but_looks_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="closed@example.com", deleted_at="2026-01-01T00:00:00Z")

    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("accounts:password-reset"), {"email": "who@example.com"})
        closed = client.post(reverse("accounts:password-reset"), {"email": "closed@example.com"})

    assert unknown.url == closed.url == reverse("accounts:password-reset-done")
    assert mailoutbox == []


def test_reset_is_rate_limited_per_account(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reset_account": (2, 3600)}
    UserFactory(email="kim@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            response = client.post(reverse("accounts:password-reset"), {"email": "kim@example.com"})

    assert response.status_code == 200
    assert "Too many reset attempts" in response.content.decode()
    assert len(mailoutbox) == 2


def test_log_out_other_sessions_keeps_only_this_one(client):
    user = UserFactory()
    here = _logged_in_client(user, "Firefox")
    phone = _logged_in_client(user, "iPhone")
    tablet = _logged_in_client(user, "iPad")
    someone_else = _logged_in_client(UserFactory())
    assert UserSession.objects.filter(user=user).count() == 3

    response = here.post(reverse("accounts:sessions-logout-others"), follow=True)

    assert "Logged out 2 other session(s)." in response.content.decode()
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    assert here.get(reverse("dashboard")).status_code == 200
    assert phone.get(reverse("dashboard")).status_code == 302
    assert tablet.get(reverse("dashboard")).status_code == 302
    assert someone_else.get(reverse("dashboard")).status_code == 200


def test_sessions_page_lists_only_mine(client):
    user = UserFactory()
    here = _logged_in_client(user)
    _logged_in_client(user, "iPhone")
    _logged_in_client(UserFactory())

    response = here.get(reverse("accounts:sessions"))

    assert [s.user_id for s in response.context["sessions"]] == [user.pk, user.pk]
    assert "This browser" in response.content.decode()


def test_cannot_log_out_another_users_session(client):
    victim = UserFactory()
    victim_client = _logged_in_client(victim)
    attacker = _logged_in_client(UserFactory())
    victim_session = UserSession.objects.get(user=victim)

    response = attacker.post(reverse("accounts:session-logout", args=[victim_session.pk]))

    assert response.status_code == 404
    assert UserSession.objects.filter(pk=victim_session.pk).exists()
    assert victim_client.get(reverse("dashboard")).status_code == 200


def test_password_change_logs_out_other_sessions(client):
    user = UserFactory()
    here = _logged_in_client(user)
    phone = _logged_in_client(user, "iPhone")

    response = here.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert "1 other session(s) were logged out." in response.content.decode()
    assert here.get(reverse("dashboard")).status_code == 200
    assert phone.get(reverse("dashboard")).status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1


def test_the_password_change_form_is_no_unlimited_password_oracle(client):
    user = UserFactory()
    client.force_login(user)

    def change(old):
        return client.post(
            reverse("accounts:password-change"),
            {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

    for attempt in range(5):
        change(f"guess-{attempt}")
    right = change(PASSWORD)

    assert right.status_code == 200
    assert right.context["form"].errors["old_password"][0].startswith("Too many password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_reset_opened_in_the_browser_logged_in_as_that_account_completes(
    mailoutbox, django_capture_on_commit_callbacks
):
    # A user still logged in who follows their reset link in the same browser: the reset
    # ends every session, this one too. It answered 400 (the session vanished under the
    # request) although the password had changed.
    user = UserFactory(email="kim@example.com")
    client = _logged_in_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "kim@example.com"})

    form_url = client.get(_reset_link(mailoutbox[0])).url
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done.url == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert UserSession.objects.count() == 0
    assert client.get(reverse("dashboard")).status_code == 302  # logged out here too
