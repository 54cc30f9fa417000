"""Joining a partner's team through the portal: the owner invites by email, the invited
address accepts the one-time link; expired, used, withdrawn or someone else's links do
nothing; every membership change leaves exactly one audit row."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog, TeamInvitation, TeamMember
from accounts.tests.factories import UserFactory
from affiliates.services.team import partner_team

from .factories import PartnerFactory, team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return PartnerFactory()


def _team_audit():
    return list(
        AuditLog.objects.filter(action__startswith="team.")
        .order_by("id")
        .values_list("actor_id", "action", "entity_type", "entity_id", "metadata")
    )


def _invite(client, partner, email, role, capture):
    client.force_login(partner.user)
    with capture(execute=True):
        response = client.post(reverse("affiliates:team"), {"email": email, "role": role})
    assert response.status_code == 302, response.content[:500]
    partner.refresh_from_db()  # its team was made by the first invitation
    message = [m for m in mail.outbox if email.lower() in m.to][-1]
    return re.search(r"http://testserver(/partners/team/join/\S+/)", message.body).group(1)


def test_the_owner_invites_a_viewer_who_joins_and_reads_but_cannot_create_links(
    client, partner, django_capture_on_commit_callbacks
):
    viewer = UserFactory(email="viv@example.com")
    link = _invite(client, partner, "Viv@Example.com", "viewer", django_capture_on_commit_callbacks)
    invitation = TeamInvitation.objects.get()
    # Only the digest is kept: the database cannot hand out the link.
    assert link.rstrip("/").rsplit("/", 1)[1] not in invitation.token_hash
    assert (invitation.email, invitation.role) == ("viv@example.com", "viewer")
    assert mail.outbox[-1].subject == (
        f"{partner.user.get_full_name()} invited you to {partner} on SaveBucks Partners"
    )

    client.force_login(viewer)
    assert b"as <strong>viewer</strong>" in client.get(link).content
    joined = client.post(link)

    assert joined.status_code == 302 and joined.url == reverse("affiliates:dashboard")
    assert TeamMember.objects.get(user=viewer).role == "viewer"
    assert TeamMember.objects.get(user=viewer).team == partner.team
    assert client.get(reverse("affiliates:reports")).status_code == 200
    assert client.post(reverse("affiliates:links"), {"campaign": 1}).status_code == 403
    team = str(partner.team_id)
    assert _team_audit() == [
        (
            partner.user.pk,
            "team.invite",
            "accounts.team",
            team,
            {"invitation": invitation.pk, "email": "viv@example.com", "role": "viewer"},
        ),
        (
            viewer.pk,
            "team.join",
            "accounts.team",
            team,
            {
                "invitation": invitation.pk,
                "user": viewer.pk,
                "email": viewer.email,
                "role": "viewer",
            },
        ),
    ]


def test_a_used_link_does_nothing_the_second_time(
    client, partner, django_capture_on_commit_callbacks
):
    viewer = UserFactory(email="viv@example.com")
    link = _invite(client, partner, viewer.email, "viewer", django_capture_on_commit_callbacks)
    client.force_login(viewer)
    client.post(link)
    audit = _team_audit()

    again = client.post(link)

    assert again.status_code == 410
    assert b"already used" in again.content
    assert TeamMember.objects.filter(team=partner.team).count() == 2  # holder and viewer
    assert _team_audit() == audit


def test_another_address_cannot_accept_and_the_link_stays_good(
    client, partner, django_capture_on_commit_callbacks
):
    invited = UserFactory(email="viv@example.com")
    link = _invite(client, partner, invited.email, "admin", django_capture_on_commit_callbacks)
    intruder = UserFactory(email="mallory@example.com")
    client.force_login(intruder)
    audit = _team_audit()

    refused = client.post(link)

    assert refused.status_code == 403
    assert b"This invitation is for viv@example.com" in refused.content
    assert not TeamMember.objects.filter(user=intruder).exists()
    assert TeamInvitation.objects.get().accepted_at is None
    assert _team_audit() == audit
    client.force_login(invited)
    assert client.post(link).status_code == 302
    assert TeamMember.objects.get(user=invited).role == "admin"


def test_an_expired_link_does_nothing(client, partner, django_capture_on_commit_callbacks):
    invited = UserFactory(email="viv@example.com")
    link = _invite(client, partner, invited.email, "viewer", django_capture_on_commit_callbacks)
    TeamInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(invited)

    response = client.post(link)

    assert response.status_code == 410
    assert b"expired" in response.content
    assert not TeamMember.objects.filter(user=invited).exists()


def test_an_invitation_lasts_seven_days(client, partner, django_capture_on_commit_callbacks):
    before = timezone.now()
    _invite(client, partner, "viv@example.com", "viewer", django_capture_on_commit_callbacks)

    invitation = TeamInvitation.objects.get()

    assert before + timedelta(days=7) <= invitation.expires_at <= timezone.now() + timedelta(days=7)


def test_a_withdrawn_link_does_nothing(client, partner, django_capture_on_commit_callbacks):
    invited = UserFactory(email="viv@example.com")
    link = _invite(client, partner, invited.email, "viewer", django_capture_on_commit_callbacks)
    invitation = TeamInvitation.objects.get()

    response = client.post(reverse("affiliates:team-invitation-revoke", args=[invitation.pk]))

    assert response.status_code == 302
    client.force_login(invited)
    assert client.post(link).status_code == 410
    assert not TeamMember.objects.filter(user=invited).exists()
    assert _team_audit()[-1] == (
        partner.user.pk,
        "team.invitation_revoke",
        "accounts.team",
        str(partner.team_id),
        {"invitation": invitation.pk, "email": "viv@example.com", "role": "viewer"},
    )


def test_a_made_up_link_is_not_found(client):
    response = client.get(reverse("affiliates:team-join", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert b"not valid" in response.content


def test_a_visitor_is_asked_to_log_in_as_the_invited_address(
    client, partner, django_capture_on_commit_callbacks
):
    link = _invite(client, partner, "new@example.com", "member", django_capture_on_commit_callbacks)
    client.logout()

    page = client.get(link)
    posted = client.post(link)

    assert page.status_code == 200
    assert f'href="{reverse("accounts:login")}?next={link}"'.encode() in page.content
    assert posted.status_code == 200
    assert TeamInvitation.objects.get().accepted_at is None


def test_an_open_invitation_or_a_member_is_not_invited_twice(
    client, partner, django_capture_on_commit_callbacks
):
    _invite(client, partner, "viv@example.com", "viewer", django_capture_on_commit_callbacks)
    member = team_member(partner, "member")
    audit = _team_audit()

    twice = client.post(reverse("affiliates:team"), {"email": "viv@example.com", "role": "admin"})
    joined = client.post(reverse("affiliates:team"), {"email": member.email, "role": "viewer"})
    owner = client.post(reverse("affiliates:team"), {"email": "o@example.com", "role": "owner"})

    assert twice.status_code == 409
    assert "already has an open invitation" in twice.content.decode()
    assert joined.status_code == 409
    assert owner.status_code == 400  # ownership is given to members, never by link
    assert TeamInvitation.objects.count() == 2
    assert _team_audit() == audit


def test_an_expired_invitation_can_be_sent_again(
    client, partner, django_capture_on_commit_callbacks
):
    _invite(client, partner, "viv@example.com", "viewer", django_capture_on_commit_callbacks)
    TeamInvitation.objects.update(expires_at=timezone.now())

    _invite(client, partner, "viv@example.com", "member", django_capture_on_commit_callbacks)

    first, second = TeamInvitation.objects.order_by("id")
    assert (first.role, first.revoked_at is not None) == ("viewer", True)
    assert (second.role, second.revoked_at) == ("member", None)


# --- Roles on the team page -------------------------------------------------------------


def test_the_owner_changes_a_role_and_removes_a_member(client, partner):
    user = team_member(partner, "viewer")
    member = TeamMember.objects.get(user=user)
    client.force_login(partner.user)
    audit = _team_audit()

    promoted = client.post(
        reverse("affiliates:team-member-role", args=[member.pk]), {"role": "admin"}
    )
    removed = client.post(reverse("affiliates:team-member-remove", args=[member.pk]))

    assert (promoted.status_code, removed.status_code) == (302, 302)
    assert not TeamMember.objects.filter(user=user).exists()
    team = str(partner.team_id)
    assert _team_audit()[len(audit) :] == [
        (
            partner.user.pk,
            "team.role_change",
            "accounts.team",
            team,
            {"user": user.pk, "email": user.email, "from": "viewer", "to": "admin"},
        ),
        (
            partner.user.pk,
            "team.remove",
            "accounts.team",
            team,
            {"user": user.pk, "email": user.email, "role": "admin"},
        ),
    ]


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_nobody_but_an_owner_raises_their_own_role(client, partner, role):
    user = team_member(partner, role)
    member = TeamMember.objects.get(user=user)
    client.force_login(user)
    audit = _team_audit()

    response = client.post(
        reverse("affiliates:team-member-role", args=[member.pk]), {"role": "owner"}
    )

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == role
    assert _team_audit() == audit


def test_an_owner_cannot_change_their_own_role_either(client, partner):
    user = team_member(partner, "owner")
    member = TeamMember.objects.get(user=user)
    client.force_login(user)
    audit = _team_audit()

    response = client.post(
        reverse("affiliates:team-member-role", args=[member.pk]), {"role": "viewer"}
    )

    assert response.status_code == 403
    assert b"You cannot change your own role" in response.content
    member.refresh_from_db()
    assert member.role == "owner"
    assert _team_audit() == audit


def test_the_account_holder_cannot_be_demoted_or_removed(client, partner):
    other_owner = team_member(partner, "owner")
    holder = TeamMember.objects.get(team=partner.team, user=partner.user)
    client.force_login(other_owner)
    audit = _team_audit()

    demoted = client.post(
        reverse("affiliates:team-member-role", args=[holder.pk]), {"role": "viewer"}
    )
    removed = client.post(reverse("affiliates:team-member-remove", args=[holder.pk]))

    assert (demoted.status_code, removed.status_code) == (403, 403)
    assert b"always an owner" in removed.content
    holder.refresh_from_db()
    assert holder.role == "owner"
    assert _team_audit() == audit


def test_another_partners_member_is_not_found(client, partner):
    other = PartnerFactory()
    stranger = TeamMember.objects.get(user=team_member(other, "viewer"))
    client.force_login(partner.user)
    partner_team(partner)

    response = client.post(reverse("affiliates:team-member-remove", args=[stranger.pk]))

    assert response.status_code == 404
    assert TeamMember.objects.filter(pk=stranger.pk).exists()


def test_the_team_page_shows_invitations_and_forms_to_owners_only(client, partner):
    viewer = team_member(partner, "viewer")
    client.force_login(partner.user)
    owner_page = client.get(reverse("affiliates:team")).content.decode()
    client.force_login(viewer)
    viewer_page = client.get(reverse("affiliates:team")).content.decode()

    assert 'data-test="invite-form"' in owner_page and 'data-test="invitations"' in owner_page
    assert viewer.email in viewer_page and partner.user.email in viewer_page
    assert 'data-test="invite-form"' not in viewer_page
    assert 'data-test="invitations"' not in viewer_page
    assert reverse("affiliates:team-member-remove", args=[1])[:-9] not in viewer_page


def test_staff_see_a_teams_invitations_and_cannot_repoint_a_partners_team(client, partner):
    from accounts.tests.factories import SuperuserFactory

    team_member(partner, "viewer")
    partner.refresh_from_db()
    TeamInvitation.objects.create(
        team=partner.team,
        email="later@example.com",
        role="member",
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    client.force_login(SuperuserFactory())

    team_page = client.get(reverse("admin:accounts_team_change", args=[partner.team_id]))
    partner_page = client.get(reverse("admin:affiliates_partner_change", args=[partner.pk]))

    assert team_page.status_code == 200
    assert b"later@example.com" in team_page.content
    assert "team" not in partner_page.context["adminform"].form.fields


def test_a_member_leaves_and_the_account_holder_cannot(client, partner):
    user = team_member(partner, "member")
    client.force_login(user)
    audit = _team_audit()

    left = client.post(reverse("affiliates:team-leave"))

    assert left.status_code == 302
    assert not TeamMember.objects.filter(user=user).exists()
    assert _team_audit()[len(audit) :] == [
        (
            user.pk,
            "team.leave",
            "accounts.team",
            str(partner.team_id),
            {"user": user.pk, "email": user.email, "role": "member"},
        )
    ]
    client.force_login(partner.user)
    audit = _team_audit()
    stays = client.post(reverse("affiliates:team-leave"))
    assert stays.status_code == 403
    assert TeamMember.objects.filter(user=partner.user, role="owner").exists()
    assert _team_audit() == audit


def test_an_account_holder_without_a_team_cannot_leave_it_either(client, partner):
    client.force_login(partner.user)

    response = client.post(reverse("affiliates:team-leave"))

    assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.team is None


def test_an_address_longer_than_the_column_is_a_form_error(client, partner):
    # A valid address of 300 characters: the form took it and PostgreSQL refused it (500).
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 3) + "." + "c" * 50 + ".com"
    assert 254 < len(email) <= 320
    client.force_login(partner.user)

    response = client.post(reverse("affiliates:team"), {"email": email, "role": "viewer"})

    assert response.status_code == 400
    assert "at most 254 characters" in response.content.decode()
    assert TeamInvitation.objects.count() == 0


def test_staff_cannot_add_themselves_to_a_partners_team_in_the_admin(client, partner):
    # An administrator adding themselves (or a friend) as an owner of a partner's team got
    # the partner's portal: payout details (confirmed with their own password) and payouts.
    from accounts.tests.factories import SuperuserFactory

    team_member(partner, "viewer")
    partner.refresh_from_db()
    staff = SuperuserFactory()
    client.force_login(staff)
    team = partner.team
    url = reverse("admin:accounts_team_change", args=[team.pk])
    members = list(TeamMember.objects.filter(team=team).values_list("user_id", "role"))
    prefix = "members"
    data = {
        "name": team.name,
        "owner": staff.pk,
        "settings": "{}",
        "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-user": staff.pk,
        f"{prefix}-0-role": "owner",
        f"{prefix}-0-permissions": "{}",
        f"{prefix}-0-is_active": "on",
        "invitations-TOTAL_FORMS": "0",
        "invitations-INITIAL_FORMS": "0",
    }

    page = client.get(url)
    changed = client.post(url, data)

    assert page.status_code == 200  # still shown, read-only
    assert changed.status_code == 403
    team.refresh_from_db()
    assert team.owner_id == partner.user_id
    assert list(TeamMember.objects.filter(team=team).values_list("user_id", "role")) == members


def test_staff_still_manage_a_team_that_works_no_partner_account(client):
    from accounts.models import Team
    from accounts.tests.factories import SuperuserFactory

    team = Team.objects.create(owner=UserFactory(), name="Agency")
    client.force_login(SuperuserFactory())

    response = client.post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {
            "name": "Agency two",
            "owner": team.owner_id,
            "settings": "{}",
            "is_active": "on",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "invitations-TOTAL_FORMS": "0",
            "invitations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    team.refresh_from_db()
    assert team.name == "Agency two"


def test_a_visitor_without_an_account_signs_up_and_comes_back_to_join(
    client, partner, django_capture_on_commit_callbacks
):
    link = _invite(client, partner, "new@example.com", "viewer", django_capture_on_commit_callbacks)
    client.logout()
    signup = f"{reverse('accounts:signup')}?next={link}"

    page = client.get(link)
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post(
            signup,
            {
                "email": "new@example.com",
                "first_name": "Nia",
                "last_name": "Newton",
                "password1": "plum-orchard-42",
                "password2": "plum-orchard-42",
                "referral_code": "",
            },
        )
    joined = client.post(signed_up.url)

    assert f'href="{signup}"'.encode() in page.content
    assert signed_up.status_code == 302
    assert signed_up.url == link
    assert joined.status_code == 302
    assert joined.url == reverse("affiliates:dashboard")
    member = TeamMember.objects.get(user__email="new@example.com")
    assert (member.team_id, member.role) == (partner_team(partner).pk, "viewer")


def test_someone_logged_in_as_another_address_logs_out_and_back_to_the_link(
    client, partner, django_capture_on_commit_callbacks
):
    link = _invite(client, partner, "viv@example.com", "member", django_capture_on_commit_callbacks)
    client.force_login(UserFactory(email="other@example.com"))
    login_then_join = f"{reverse('accounts:login')}?next={link}"

    page = client.get(link).content.decode()
    logged_out = client.post(reverse("accounts:logout"), {"next": login_then_join})

    assert 'data-test="switch-user"' in page
    assert f'name="next" value="{login_then_join}"' in page
    assert (logged_out.status_code, logged_out.url) == (302, login_then_join)
    assert "_auth_user_id" not in client.session
    assert TeamInvitation.objects.get().accepted_at is None
