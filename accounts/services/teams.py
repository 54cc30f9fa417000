from django.db import IntegrityError, transaction

from ..models import Team, TeamMember, User
from ..refusals import AccountConflict, AccountRefused


def team_create(*, owner: User, name: str) -> Team:
    with transaction.atomic():
        team = Team.objects.create(owner=owner, name=name.strip())
        TeamMember.objects.create(team=team, user=owner, role=TeamMember.Role.OWNER)
    return team


def team_member_add(*, team: Team, user: User, role: str = TeamMember.Role.MEMBER) -> TeamMember:
    if role == TeamMember.Role.OWNER:
        raise AccountRefused("owner", "A team has one owner: transfer ownership instead.")
    try:
        with transaction.atomic():
            return TeamMember.objects.create(team=team, user=user, role=role)
    except IntegrityError as exc:
        raise AccountConflict("duplicate_member", f"{user} is already in {team}.") from exc
