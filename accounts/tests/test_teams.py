"""The rules every team keeps, whoever calls (portal, admin, a command): nobody grants more
than they hold, changes their own role, or touches someone above them; the owner who
made the team stays its owner; an invitation is spent once, by its own address."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditLog, TeamInvitation, TeamMember
from accounts.services import teams
from config.testing import race

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return teams.team_create(owner=UserFactory(), name="Agency")


def _join(team, role, user=None):
    user = user or UserFactory()
    invite_as = "admin" if role == "owner" else role
    _inv, token = teams.team_invite(team=team, actor=team.owner, email=user.email, role=invite_as)
    member = teams.team_invitation_accept(token=token, user=user)
    if role == "owner":
        member = teams.team_member_set_role(member=member, role="owner", actor=team.owner)
    return member


def _state(team):
    return (
        sorted(TeamMember.objects.filter(team=team).values_list("user_id", "role")),
        sorted(TeamInvitation.objects.filter(team=team).values_list("email", "revoked_at")),
        AuditLog.objects.count(),
    )


@pytest.mark.parametrize(
    "actor_role,target_role,new_role,code",
    [
        ("admin", "viewer", "owner", "role_above_yours"),  # admins cannot make owners
        ("member", "viewer", "admin", "role_above_yours"),
        ("admin", "owner", "viewer", "outranks_you"),
        ("viewer", "member", "viewer", "outranks_you"),
    ],
)
def test_nobody_grants_above_their_role_or_touches_someone_above_them(
    team, actor_role, target_role, new_role, code
):
    actor = _join(team, actor_role).user
    target = _join(team, target_role)
    before = _state(team)

    with pytest.raises(teams.TeamForbidden) as refused:
        teams.team_member_set_role(member=target, role=new_role, actor=actor)

    assert refused.value.code == code
    assert refused.value.http_status == 403
    assert _state(team) == before


@pytest.mark.parametrize("role", ["viewer", "member", "admin", "owner"])
def test_nobody_changes_their_own_role(team, role):
    member = _join(team, role)
    before = _state(team)

    with pytest.raises(teams.TeamForbidden) as refused:
        teams.team_member_set_role(member=member, role="owner", actor=member.user)

    assert refused.value.code == "own_membership"
    assert _state(team) == before


def test_the_owner_who_made_the_team_is_never_demoted_or_removed(team):
    other_owner = _join(team, "owner").user
    holder = TeamMember.objects.get(team=team, user=team.owner)
    before = _state(team)

    for attempt in (
        lambda: teams.team_member_set_role(member=holder, role="admin", actor=other_owner),
        lambda: teams.team_member_remove(member=holder, actor=other_owner),
    ):
        with pytest.raises(teams.TeamForbidden) as refused:
            attempt()
        assert refused.value.code == "account_holder"

    assert _state(team) == before


def test_an_admin_invites_only_up_to_admin_and_outsiders_not_at_all(team):
    admin = _join(team, "admin").user
    outsider = UserFactory()
    before = _state(team)

    with pytest.raises(teams.TeamRefused) as as_owner:
        teams.team_invite(team=team, actor=admin, email="a@example.com", role="owner")
    with pytest.raises(teams.TeamForbidden) as not_in_team:
        teams.team_invite(team=team, actor=outsider, email="b@example.com", role="viewer")

    assert (as_owner.value.code, not_in_team.value.code) == ("invalid_role", "not_in_team")
    assert _state(team) == before


def test_an_invitation_cannot_be_accepted_by_another_address_used_twice_or_late(team):
    invited = UserFactory(email="viv@example.com")
    invitation, token = teams.team_invite(
        team=team, actor=team.owner, email="VIV@example.com ", role="member"
    )
    assert invitation.email == "viv@example.com"

    with pytest.raises(teams.TeamForbidden) as other:
        teams.team_invitation_accept(token=token, user=UserFactory())
    assert other.value.code == "invitation_other_email"

    teams.team_invitation_accept(token=token, user=invited)
    with pytest.raises(teams.InvitationGone) as used:
        teams.team_invitation_accept(token=token, user=invited)
    assert (used.value.code, used.value.http_status) == ("invitation_used", 410)

    late, late_token = teams.team_invite(
        team=team, actor=team.owner, email="late@example.com", role="viewer"
    )
    TeamInvitation.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(teams.InvitationGone) as expired:
        teams.team_invitation_accept(token=late_token, user=UserFactory(email="late@example.com"))
    assert expired.value.code == "invitation_expired"

    assert sorted(TeamMember.objects.filter(team=team).values_list("role", flat=True)) == [
        "member",
        "owner",
    ]


def test_a_revoked_invitation_is_revoked_once(team):
    invitation, token = teams.team_invite(
        team=team, actor=team.owner, email="viv@example.com", role="viewer"
    )

    assert teams.team_invitation_revoke(invitation=invitation, actor=team.owner) is True
    assert teams.team_invitation_revoke(invitation=invitation, actor=team.owner) is False

    with pytest.raises(teams.InvitationGone) as revoked:
        teams.team_invitation_accept(token=token, user=UserFactory(email="viv@example.com"))
    assert revoked.value.code == "invitation_revoked"
    assert AuditLog.objects.filter(action="team.invitation_revoke").count() == 1


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_ten_clicks_on_one_link_at_once_join_once():
    team = teams.team_create(owner=UserFactory(), name="Agency")
    invited = UserFactory(email="viv@example.com")
    _inv, token = teams.team_invite(team=team, actor=team.owner, email=invited.email, role="viewer")

    def accept(_):
        try:
            teams.team_invitation_accept(token=token, user=invited)
        except teams.TeamRefused as refused:
            return refused.code
        return "joined"

    outcomes = race(10, accept)

    assert sorted(outcomes) == ["invitation_used"] * 9 + ["joined"]
    assert TeamMember.objects.filter(team=team, user=invited).count() == 1
    assert AuditLog.objects.filter(action="team.join").count() == 1


def test_a_team_has_at_most_twenty_open_invitations(team):
    for n in range(teams.MAX_OPEN_INVITATIONS):
        teams.team_invite(team=team, actor=team.owner, email=f"p{n}@example.com", role="viewer")

    with pytest.raises(teams.TeamConflict) as refused:
        teams.team_invite(team=team, actor=team.owner, email="one@example.com", role="viewer")

    assert refused.value.code == "too_many_invitations"
    assert TeamInvitation.objects.filter(team=team).count() == 20
    first = TeamInvitation.objects.order_by("id").first()
    teams.team_invitation_revoke(invitation=first, actor=team.owner)
    teams.team_invite(team=team, actor=team.owner, email="one@example.com", role="viewer")


@pytest.mark.parametrize("what_happened", ["removed", "demoted", "left"])
def test_an_invitation_grants_no_more_than_its_inviter_holds_when_it_is_accepted(
    team, what_happened
):
    # An admin about to be removed invites a second address of theirs as admin: once they
    # are out (or demoted), that link must not bring them back in with the old role.
    admin = _join(team, "admin")
    _inv, token = teams.team_invite(
        team=team, actor=admin.user, email="alt@example.com", role="admin"
    )
    if what_happened == "removed":
        teams.team_member_remove(member=admin, actor=team.owner)
    elif what_happened == "demoted":
        teams.team_member_set_role(member=admin, role="viewer", actor=team.owner)
    else:
        teams.team_leave(team=team, user=admin.user)
    before = _state(team)

    with pytest.raises(teams.InvitationGone) as refused:
        teams.team_invitation_accept(token=token, user=UserFactory(email="alt@example.com"))

    assert (refused.value.code, refused.value.http_status) == ("inviter_lost_role", 410)
    assert _state(team)[0] == before[0]  # nobody joined
    assert not TeamMember.objects.filter(team=team, user__email="alt@example.com").exists()


def test_an_invitation_from_an_inviter_still_in_place_is_accepted(team):
    admin = _join(team, "admin")
    _inv, token = teams.team_invite(
        team=team, actor=admin.user, email="m@example.com", role="member"
    )
    teams.team_member_set_role(member=admin, role="member", actor=team.owner)  # still enough

    member = teams.team_invitation_accept(token=token, user=UserFactory(email="m@example.com"))

    assert member.role == "member"


def test_withdrawing_and_sending_again_does_not_lift_the_cap_on_invitation_emails(team, settings):
    # The cap on open invitations alone let an owner revoke and re-invite the same
    # address in a loop: as many emails from us to anyone as they liked.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "team_invite": (3, 86400)}
    for _ in range(3):
        invitation, _token = teams.team_invite(
            team=team, actor=team.owner, email="target@example.com", role="viewer"
        )
        teams.team_invitation_revoke(invitation=invitation, actor=team.owner)
    sent = TeamInvitation.objects.count()

    with pytest.raises(teams.TeamRefused) as refused:
        teams.team_invite(team=team, actor=team.owner, email="target@example.com", role="viewer")

    assert (refused.value.code, refused.value.http_status) == ("too_many_invitations_sent", 429)
    assert TeamInvitation.objects.count() == sent == 3
