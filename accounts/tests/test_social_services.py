"""The social-login rules as services: races decided by the unique indexes, and purge."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from accounts.models import AuditLog, User
from accounts.services import user_purge
from accounts.services.social import (
    ProviderIdentity,
    SocialConflict,
    social_account_link,
    social_account_unlink,
    user_social_signup,
)
from config.testing import race

from .factories import UserFactory

pytestmark = pytest.mark.django_db

KIM = ProviderIdentity(
    provider="google", uid="g-1", email="kim@example.com", email_verified=True, first_name="Kim"
)


def test_sign_up_racing_a_password_sign_up_for_the_address_is_refused_cleanly():
    # The other sign-up committed between our check and our insert: the unique email
    # index decides, and nothing of ours is left behind.
    UserFactory(email="kim@example.com")
    account = SocialAccount(provider="google", uid="g-1")

    with pytest.raises(SocialConflict) as refused:
        user_social_signup(identity=KIM, account=account, base_url="http://testserver/")

    assert refused.value.code == "email_taken"
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 0
    assert AuditLog.objects.count() == 0


def test_sign_up_racing_another_tab_for_the_provider_account_is_refused_cleanly():
    SocialAccount.objects.create(user=UserFactory(), provider="google", uid="g-1")

    with pytest.raises(SocialConflict):
        user_social_signup(
            identity=KIM,
            account=SocialAccount(provider="google", uid="g-1"),
            base_url="http://testserver/",
        )

    assert not User.objects.filter(email="kim@example.com").exists()
    assert SocialAccount.objects.count() == 1


def test_link_racing_another_link_of_the_same_provider_account():
    first, second = UserFactory(), UserFactory()
    SocialAccount.objects.create(user=first, provider="google", uid="g-1")

    with pytest.raises(SocialConflict) as refused:
        social_account_link(
            user=second, account=SocialAccount(provider="google", uid="g-1"), via="profile"
        )

    assert refused.value.code == "linked_elsewhere"
    assert SocialAccount.objects.get().user_id == first.pk
    assert AuditLog.objects.count() == 0


def test_purge_removes_linked_logins_with_their_profile_copy():
    user = UserFactory(deleted_at=timezone.now())
    SocialAccount.objects.create(
        user=user, provider="google", uid="g-1", extra_data={"email": "kim@example.com"}
    )
    kept = SocialAccount.objects.create(user=UserFactory(), provider="google", uid="g-2")

    user_purge(user=user)

    assert list(SocialAccount.objects.all()) == [kept]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_unlinking_a_passwordless_users_last_two_logins_at_once_keeps_one():
    # Each unlink alone is allowed (the other login remains); both at once would lock
    # the shopper out. They queue on the user row: the second sees it is the last.
    user = User.objects.create_user(email="kim@example.com", password=None)
    accounts = [
        SocialAccount.objects.create(user=user, provider="google", uid="g-1"),
        SocialAccount.objects.create(user=user, provider="facebook", uid="fb-1"),
    ]

    results = race(2, lambda i: social_account_unlink(user=user, account_id=accounts[i].pk))

    unlinked = [r for r in results if isinstance(r, SocialAccount)]
    refused = [r for r in results if isinstance(r, SocialConflict)]
    assert (len(unlinked), len(refused)) == (1, 1)
    assert refused[0].code == "last_login_method"
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert AuditLog.objects.filter(action="user.social_unlink").count() == 1
