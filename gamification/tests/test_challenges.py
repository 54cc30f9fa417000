from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog, StatusChange
from accounts.tests.factories import StaffFactory, UnverifiedUserFactory, UserFactory
from config.testing import race
from gamification.models import Activity, Challenge, ChallengeEntry
from gamification.services.challenges import NoWinnerSlots, challenge_entry_approve
from support.models import Notification
from wallet.models import Transaction
from wallet.tests.factories import balances

from .factories_races import ChallengeEntryFactory, ChallengeFactory

pytestmark = pytest.mark.django_db

ENTRIES = reverse("admin:gamification_challengeentry_changelist")


def entries_url(challenge_id):
    return f"/api/v1/challenges/{challenge_id}/entries/"


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def test_a_shopper_enters_once_through_the_api(shopper):
    challenge = ChallengeFactory()
    body = {"proof_url": "https://photos.example.com/me.jpg", "note": "my haul"}
    response = shopper.post(entries_url(challenge.pk), body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    again = shopper.post(entries_url(challenge.pk), body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_entered"
    assert ChallengeEntry.objects.filter(user=shopper.user).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.com/proof",
        "data:text/html,<script>",
        "not a url",
        "https://",
        "https://example.com/" + "a" * 500,
    ],
)
def test_a_proof_that_is_not_an_http_link_is_refused(shopper, url):
    challenge = ChallengeFactory()
    response = shopper.post(
        entries_url(challenge.pk), {"proof_url": url}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_url"
    assert not ChallengeEntry.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Challenge.Status.CLOSED},
        {"ends_at": timezone.now() - timedelta(minutes=1)},
        {"starts_at": timezone.now() + timedelta(hours=1)},
    ],
)
def test_a_closed_challenge_takes_no_entries(shopper, fields):
    challenge = ChallengeFactory(**fields)
    response = shopper.post(
        entries_url(challenge.pk),
        {"proof_url": "https://example.com/p"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "challenge_closed"
    assert not ChallengeEntry.objects.exists()


def test_drafts_and_unknown_challenges_are_not_found(shopper):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    for pk in (draft.pk, 999999):
        response = shopper.post(
            entries_url(pk), {"proof_url": "https://example.com/p"}, content_type="application/json"
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    listed = shopper.get("/api/v1/challenges/").json()["results"]
    assert [c["id"] for c in listed] == []


def test_the_list_shows_my_entry_and_whether_it_is_open(shopper):
    mine, other = ChallengeFactory(), ChallengeFactory(status=Challenge.Status.CLOSED)
    ChallengeEntryFactory(challenge=mine, user=shopper.user)
    ChallengeEntryFactory(challenge=other)  # someone else's entry is not mine
    listed = {c["id"]: c for c in shopper.get("/api/v1/challenges/").json()["results"]}
    assert (listed[mine.pk]["open"], listed[mine.pk]["my_entry_status"]) == (True, "pending")
    assert (listed[other.pk]["open"], listed[other.pk]["my_entry_status"]) == (False, None)


def test_an_unverified_email_cannot_enter(client):
    user = UnverifiedUserFactory()
    client.force_login(user)
    challenge = ChallengeFactory()
    response = client.post(
        entries_url(challenge.pk),
        {"proof_url": "https://example.com/p"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert not ChallengeEntry.objects.exists()


def test_an_unverified_shopper_is_offered_the_verification_link_not_the_form(client):
    # Walking as a new shopper: the page offered the entry form, took the proof link
    # and the note, and only then said "Verify your email address before you enter."
    client.force_login(UnverifiedUserFactory())
    ChallengeFactory()
    page = client.get(reverse("gamification:challenges")).content.decode()
    assert 'data-test="entry-form"' not in page
    assert 'data-test="verify-to-enter"' in page
    assert f'action="{reverse("accounts:verify-resend")}"' in page


def test_anonymous_callers_cannot_enter(client):
    challenge = ChallengeFactory()
    response = client.post(
        entries_url(challenge.pk),
        {"proof_url": "https://example.com/p"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ChallengeEntry.objects.exists()


def test_the_page_form_enters_and_shows_errors(shopper):
    challenge = ChallengeFactory()
    url = reverse("gamification:challenge-enter", args=[challenge.pk])
    bad = shopper.post(url, {"proof_url": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert "http:// or https://" in bad.content.decode()
    assert not ChallengeEntry.objects.exists()
    good = shopper.post(url, {"proof_url": "https://example.com/proof", "note": "hi"})
    assert good.status_code == 302
    page = shopper.get(reverse("gamification:challenges")).content.decode()
    assert 'data-test="my-entry"' in page and "Pending" in page


@pytest.fixture
def finance(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Finance"))
    client.force_login(staff)
    client.staff = staff
    return client


def _act(client, action, entries, reason=""):
    return client.post(
        ENTRIES,
        {"action": action, "_selected_action": [e.pk for e in entries], "reason": reason},
        follow=True,
    )


def test_finance_approves_in_the_admin_paying_the_prize_once(finance):
    entry = ChallengeEntryFactory(challenge=ChallengeFactory(prize_amount=Decimal("7.50")))
    _act(finance, "approve", [entry], "great photo")
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by, entry.reason) == (
        "approved",
        finance.staff,
        "great photo",
    )
    assert balances(entry.user)["available"] == Decimal("7.50")
    key = f"challenge:{entry.challenge_id}:{entry.user_id}"
    assert Transaction.objects.get(idempotency_key=key).kind == "bonus.challenge"
    assert Activity.objects.get(idempotency_key=key).points == 100
    assert Challenge.objects.get(pk=entry.challenge_id).winners_count == 1
    assert Notification.objects.filter(user=entry.user).count() == 1
    assert (
        AuditLog.objects.filter(actor=finance.staff, action="challengeentry.approve").count() == 1
    )
    assert StatusChange.objects.get(object_id=entry.pk).to_status == "approved"

    response = _act(finance, "approve", [entry])
    assert "skipped" in response.content.decode()
    assert balances(entry.user)["available"] == Decimal("7.50")
    assert Challenge.objects.get(pk=entry.challenge_id).winners_count == 1


def test_approvals_stop_at_max_winners(finance):
    challenge = ChallengeFactory(max_winners=1)
    first, second = (
        ChallengeEntryFactory(challenge=challenge),
        ChallengeEntryFactory(challenge=challenge),
    )
    response = _act(finance, "approve", [first, second])
    assert "already has its 1 winner(s)" in response.content.decode()
    second.refresh_from_db()
    assert second.status == "pending"
    assert balances(second.user)["available"] == Decimal("0.00")
    assert Challenge.objects.get(pk=challenge.pk).winners_count == 1


def test_staff_cannot_approve_their_own_entry(finance):
    entry = ChallengeEntryFactory(user=finance.staff)
    response = _act(finance, "approve", [entry])
    assert "own account" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "pending"
    assert balances(finance.staff)["available"] == Decimal("0.00")
    assert Challenge.objects.get(pk=entry.challenge_id).winners_count == 0


def test_a_rejection_needs_a_reason_and_tells_the_shopper(finance):
    entry = ChallengeEntryFactory()
    response = _act(finance, "reject", [entry])
    assert "Give a reason" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "pending"
    _act(finance, "reject", [entry], "the link is broken")
    entry.refresh_from_db()
    assert (entry.status, entry.reason) == ("rejected", "the link is broken")
    assert Notification.objects.get(user=entry.user).body == "the link is broken"
    assert balances(entry.user)["available"] == Decimal("0.00")
    assert Challenge.objects.get(pk=entry.challenge_id).winners_count == 0


def test_an_entry_of_a_since_suspended_shopper_is_not_paid(finance):
    entry = ChallengeEntryFactory()
    entry.user.status = "suspended"
    entry.user.save(update_fields=["status"])

    response = _act(finance, "approve", [entry])

    assert "cannot receive bonuses" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "pending"
    assert balances(entry.user)["available"] == Decimal("0.00")
    assert Challenge.objects.get(pk=entry.challenge_id).winners_count == 0
    assert not Transaction.objects.exists()


def test_support_agents_cannot_approve(client):
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(agent)
    entry = ChallengeEntryFactory()
    _act(client, "approve", [entry])
    entry.refresh_from_db()
    assert entry.status == "pending"
    assert balances(entry.user)["available"] == Decimal("0.00")


def test_content_editors_cannot_change_what_a_challenge_pays(client):
    # Approvals pay prize times winners: editors write the texts, Finance sets the money.
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    challenge = ChallengeFactory(prize_amount=Decimal("5.00"), max_winners=2)
    now = timezone.now()
    form = {
        "title": "Renamed",
        "description": "Show us.",
        "prize_amount": "5000.00",
        "max_winners": "1000",
        "status": "live",
        "starts_at_0": now.strftime("%Y-%m-%d"),
        "starts_at_1": "00:00:00",
        "ends_at_0": (now + timedelta(days=3)).strftime("%Y-%m-%d"),
        "ends_at_1": "00:00:00",
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
    }
    change = reverse("admin:gamification_challenge_change", args=[challenge.pk])
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    challenge.refresh_from_db()
    assert (challenge.title, challenge.prize_amount, challenge.max_winners) == (
        "Renamed",
        Decimal("5.00"),
        2,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_the_last_slot_make_one_winner_on_postgres():
    challenge = ChallengeFactory(max_winners=1)
    entries = [ChallengeEntryFactory(challenge=challenge) for _ in range(2)]
    staff = [StaffFactory(), StaffFactory()]
    results = race(2, lambda i: challenge_entry_approve(entry=entries[i], actor=staff[i]))
    assert sorted(type(r).__name__ for r in results) == ["NoWinnerSlots", "bool"]
    refused = next(r for r in results if isinstance(r, NoWinnerSlots))
    assert refused.code == "no_winner_slots"
    assert Challenge.objects.get(pk=challenge.pk).winners_count == 1
    assert ChallengeEntry.objects.filter(status="approved").count() == 1
    assert Transaction.objects.filter(kind="bonus.challenge").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_the_same_entry_pay_once_on_postgres():
    entry = ChallengeEntryFactory(challenge=ChallengeFactory(max_winners=5))
    staff = [StaffFactory(), StaffFactory()]
    results = race(2, lambda i: challenge_entry_approve(entry=entry, actor=staff[i]))
    assert sorted(results) == [False, True]
    assert Challenge.objects.get(pk=entry.challenge_id).winners_count == 1
    assert balances(entry.user)["available"] == Decimal("5.00")


def test_the_challenge_admin_refuses_an_end_before_the_start_and_no_winners(client):
    # Walking the admin: a challenge ending a month before it started, with 0 winners
    # (no entry could ever be approved), was saved without a word.
    # Finance: the prize and the number of winners are read-only to Content editors.
    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    response = client.post(
        reverse("admin:gamification_challenge_add"),
        {
            "title": "Backwards",
            "description": "",
            "prize_amount": "5.00",
            "max_winners": "0",
            "starts_at_0": "2026-12-01",
            "starts_at_1": "00:00:00",
            "ends_at_0": "2026-11-01",
            "ends_at_1": "00:00:00",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_at": ["The challenge ends after it starts."],
        "max_winners": ["At least one winner."],
    }
    assert not Challenge.objects.exists()
