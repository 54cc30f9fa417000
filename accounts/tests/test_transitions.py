"""The one status-move helper: a conditional update, a history row, effects after commit."""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import StatusChange, User
from accounts.services import transition, transition_claimed
from config.testing import race

from .factories import UserFactory

pytestmark = pytest.mark.django_db

Status = User.Status


def _history(user):
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=user.pk
        ).values_list("from_status", "to_status", "actor__email", "reason")
    )


def test_a_move_writes_the_row_and_one_history_line():
    staff = UserFactory(email="staff@example.com", is_staff=True)
    user = UserFactory(status=Status.ACTIVE)

    moved = transition(
        user, to=Status.SUSPENDED, allowed_from={Status.ACTIVE}, actor=staff, reason="Fraud."
    )

    assert moved is True
    assert user.status == Status.SUSPENDED
    assert User.objects.get(pk=user.pk).status == Status.SUSPENDED
    assert _history(user) == [("active", "suspended", "staff@example.com", "Fraud.")]


def test_a_move_from_a_state_not_allowed_writes_nothing():
    user = UserFactory(status=Status.SUSPENDED)

    moved = transition(user, to=Status.INACTIVE, allowed_from={Status.ACTIVE})

    assert moved is False
    assert User.objects.get(pk=user.pk).status == Status.SUSPENDED
    assert _history(user) == []


def test_a_stale_copy_is_judged_by_the_row_not_by_memory():
    user = UserFactory(status=Status.ACTIVE)
    stale = User.objects.get(pk=user.pk)
    User.objects.filter(pk=user.pk).update(status=Status.SUSPENDED)

    refused = transition(stale, to=Status.INACTIVE, allowed_from={Status.ACTIVE})
    reactivated = transition(
        stale, to=Status.ACTIVE, allowed_from={Status.SUSPENDED, Status.INACTIVE}
    )

    assert (refused, reactivated) == (False, True)
    # The history says where the row really was, not what the stale copy believed.
    assert _history(user) == [("suspended", "active", None, "")]


def test_side_effects_wait_for_the_commit(django_capture_on_commit_callbacks):
    user = UserFactory(status=Status.ACTIVE)
    heard = []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(
            user,
            to=Status.SUSPENDED,
            allowed_from={Status.ACTIVE},
            on_commit=lambda: heard.append(user.pk),
        )
        transition(
            user,
            to=Status.SUSPENDED,
            allowed_from={Status.ACTIVE},
            on_commit=lambda: heard.append("again"),
        )

    assert (len(callbacks), heard) == (1, [user.pk])


def test_the_batch_form_moves_claimed_rows_with_one_history_line_each():
    users = UserFactory.create_batch(3, status=Status.PENDING_VERIFICATION)

    moved = transition_claimed(
        User, [u.pk for u in users], was=Status.PENDING_VERIFICATION, to=Status.ACTIVE
    )

    assert moved == 3
    assert [_history(u) for u in users] == [[("pending_verification", "active", None, "")]] * 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_moves_of_one_row_move_it_once():
    user = UserFactory(status=Status.ACTIVE)

    results = race(
        20,
        lambda i: transition(
            User.objects.get(pk=user.pk),
            to=Status.SUSPENDED,
            allowed_from={Status.ACTIVE},
            reason=f"racer {i}",
        ),
    )

    assert sorted(results) == [False] * 19 + [True]
    assert len(_history(user)) == 1
