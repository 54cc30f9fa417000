"""Who may do what in a partner account: the one check behind every portal page
(`views.base.partner_page`) and every partner API call (`auth.IsApprovedPartner`).

The account holder (`Partner.user`) is always its owner; everyone else holds a role in the
partner's team (accounts.TeamMember). An API key acts with the role chosen when it was
made, never above what its creator holds now. The roles are ranked: each may do what the
one below it may, and more.

| action      | what it covers                                              | lowest role |
|-------------|-------------------------------------------------------------|-------------|
| `view`      | dashboard, campaigns, links, reports and CSV, conversions,  | viewer      |
|             | payouts and balance, the team list                          |             |
| `links`     | create, edit, pause, delete links; ask for campaign access  | member      |
| `postbacks` | postback settings (they hold signing secrets), tests, logs  | admin       |
| `api_keys`  | create and revoke API keys                                  | admin       |
| `payouts`   | payout details, asking for a payout                         | admin       |
| `team`      | invite, change roles, remove members, revoke invitations    | owner       |
| `plan`      | the partner's plan (the plans issue)                        | owner       |
"""

from enum import StrEnum

from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from rest_framework import permissions

from accounts.models import TeamMember
from config.errors import Forbidden

from .models import ApiKey, Partner

Role = TeamMember.Role
RANK = {Role.VIEWER: 1, Role.MEMBER: 2, Role.ADMIN: 3, Role.OWNER: 4}


class Action(StrEnum):
    VIEW = "view"
    LINKS = "links"
    POSTBACKS = "postbacks"
    API_KEYS = "api_keys"
    PAYOUTS = "payouts"
    TEAM = "team"
    PLAN = "plan"


LOWEST_ROLE = {
    Action.VIEW: Role.VIEWER,
    Action.LINKS: Role.MEMBER,
    Action.POSTBACKS: Role.ADMIN,
    Action.API_KEYS: Role.ADMIN,
    Action.PAYOUTS: Role.ADMIN,
    Action.TEAM: Role.OWNER,
    Action.PLAN: Role.OWNER,
}

# The partner API, by route name and method. A route or method missing here is refused:
# a new endpoint is closed until someone decides who may call it (a test checks every
# partner route is listed). Kept here, not on the view classes, so the role table is
# read in one place.
API_ACTIONS = {
    "api-partner-campaigns": {"GET": Action.VIEW},
    "api-partner-links": {"GET": Action.VIEW, "POST": Action.LINKS},
    "api-partner-link": {"GET": Action.VIEW, "PATCH": Action.LINKS, "DELETE": Action.LINKS},
    "api-partner-reports": {"GET": Action.VIEW},
    "api-partner-conversions": {"GET": Action.VIEW},
    "api-partner-payouts": {"GET": Action.VIEW, "POST": Action.PAYOUTS},
    "api-partner-postbacks": {"GET": Action.POSTBACKS, "POST": Action.POSTBACKS},
    "api-partner-postback": {
        "GET": Action.POSTBACKS,
        "PATCH": Action.POSTBACKS,
        "DELETE": Action.POSTBACKS,
    },
    "api-partner-postback-test": {"POST": Action.POSTBACKS},
    "api-partner-deliveries": {"GET": Action.POSTBACKS},
}

# Which of the user's partner accounts the session acts for (the portal's switcher).
SESSION_KEY = "partner_id"


class RoleRefused(Forbidden):
    code = "role_not_allowed"


def role_allows(role: str | None, action: str) -> bool:
    return role is not None and RANK[role] >= RANK[LOWEST_ROLE[Action(action)]]


def team_role(user, partner: Partner) -> str | None:
    """The user's role in the partner account, or None if they have none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.pk == partner.user_id:
        return Role.OWNER
    if partner.team_id is None:
        return None
    return (
        TeamMember.objects.filter(team_id=partner.team_id, user_id=user.pk, is_active=True)
        .values_list("role", flat=True)
        .first()
    )


def team_can(user, partner: Partner, action: str) -> bool:
    """May `user` do `action` in `partner`'s account? (Approval is checked at the door.)"""
    return role_allows(team_role(user, partner), action)


def key_role(key: ApiKey) -> str | None:
    """An API key's role: the one chosen at creation, capped by its creator's role now."""
    creator_role = team_role(key.created_by, key.partner) if key.created_by_id else None
    if creator_role is None:
        return None
    return min(key.role, creator_role, key=RANK.__getitem__)


def partners_for(user) -> list[tuple[Partner, str]]:
    """Every partner account the user may act for, with their role, in one query: their
    own first (whatever its status: the portal sends it to its application page), then
    the approved accounts whose team they are in, in the order they joined."""
    if not user.is_authenticated:
        return []
    membership = TeamMember.objects.filter(
        team_id=OuterRef("team_id"), user_id=user.pk, is_active=True
    )
    partners = (
        Partner.objects.annotate(
            member_role=Subquery(membership.values("role")[:1]),
            joined=Subquery(membership.values("created_at")[:1]),
            own=Case(When(user_id=user.pk, then=Value(0)), default=Value(1)),
        )
        .filter(
            Q(user_id=user.pk)
            | Q(
                status=Partner.Status.APPROVED,
                team_id__in=TeamMember.objects.filter(user_id=user.pk, is_active=True).values(
                    "team_id"
                ),
            )
        )
        .order_by("own", "joined", "pk")
    )
    return [(p, Role.OWNER if p.user_id == user.pk else p.member_role) for p in partners]


def session_partner(request) -> tuple[Partner | None, str | None]:
    """The partner account a logged-in user acts for: the one chosen in this session if
    they still may, else their own approved account, else the first team they joined,
    else their own account in whatever state it is (None if nothing)."""
    return choose_partner(partners_for(request.user), request.session.get(SESSION_KEY))


def choose_partner(choices, chosen) -> tuple[Partner | None, str | None]:
    for partner, role in choices:
        if partner.pk == chosen:
            return partner, role
    for partner, role in choices:
        if partner.is_approved:
            return partner, role
    return choices[0] if choices else (None, None)


def acting_partner(request) -> tuple[Partner | None, str | None]:
    """The partner and role a request acts with: an API key's, or the session's."""
    if isinstance(request.auth, ApiKey):
        return request.auth.partner, key_role(request.auth)
    return session_partner(request)


def acting_user(request):
    """Who a request acts as, for audit rows: an API key's creator (the key holds their
    role; key authentication names the account holder as `request.user`), else the
    logged-in user."""
    if isinstance(request.auth, ApiKey) and request.auth.created_by_id:
        return request.auth.created_by
    return request.user


def refuse_unless(role: str | None, action: str) -> None:
    if not role_allows(role, action):
        raise RoleRefused(
            detail=f"Your role ({role or 'none'}) in this partner account may not do this.",
        )


class PartnerRolePermission(permissions.BasePermission):
    """DRF's side of the check: the route's action (API_ACTIONS) against the caller's role.
    Sets `view.partner`, the scope of every queryset."""

    message = "Only approved partners may use the partner API."

    def has_permission(self, request, view):
        partner, role = acting_partner(request)
        view.partner = partner
        if not (partner and partner.is_approved):
            return False  # DRF answers 401 without credentials, 403 otherwise
        if role is None:  # a key whose creator left the team
            raise RoleRefused(detail="This key's creator is no longer in this partner's team.")
        handler = request.method.lower()
        if handler not in view.http_method_names or not hasattr(view, handler):
            return True  # the view does not offer it: DRF answers 405, nothing runs
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        route = request.resolver_match.url_name if request.resolver_match else None
        action = API_ACTIONS.get(route, {}).get(method)
        if action is None:
            raise RoleRefused(detail="Nobody may do this through the partner API.")
        refuse_unless(role, action)
        return True
