"""Real threads on PostgreSQL: two staff approving two shoppers' requests for the same
partner uid at once. One shopper gets it; the other request is refused uid_taken (a 409,
never an IntegrityError) and stays pending with nothing written."""

import pytest

from accounts.models import VerificationRequest
from accounts.tests.factories import StaffFactory, UserFactory
from config.testing import race
from gamification.models import ExternalAccount
from gamification.services.external_accounts import UidTaken
from gamification.services.verification_requests import verification_request_approve
from support.models import Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvals_of_one_uid_for_two_shoppers_link_it_once(attempt):
    requests = [
        VerificationRequest.objects.create(user=UserFactory(), external_uid="PLAYER-9")
        for _ in range(2)
    ]
    staff = [StaffFactory(), StaffFactory()]

    results = race(
        2, lambda i: verification_request_approve(verification=requests[i], actor=staff[i])
    )

    assert sorted(type(r).__name__ for r in results) == ["UidTaken", "bool"], results
    refused = next(r for r in results if isinstance(r, UidTaken))
    assert refused.http_status == 409
    [account] = ExternalAccount.objects.all()
    statuses = dict(VerificationRequest.objects.values_list("user_id", "status"))
    assert statuses[account.user_id] == "approved"
    loser = next(r.user_id for r in requests if r.user_id != account.user_id)
    assert statuses[loser] == "pending"
    assert Notification.objects.filter(user_id=loser).count() == 0
