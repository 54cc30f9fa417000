"""What each team role may do in the partner portal and the partner API: every page and
every API operation, for viewer, member, admin and owner (a team owner who is not the
account holder). A role short of the action gets 403 and nothing changes; a role that
has it is let through (whatever the page then answers, never 403)."""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from accounts.models import TeamInvitation, TeamMember
from accounts.services import teams
from accounts.tests.factories import PASSWORD, UserFactory
from affiliates import urls as portal_urls
from affiliates.models import ApiKey, Link, PartnerCampaign, PartnerPostback
from affiliates.permissions import API_ACTIONS
from affiliates.services.team import partner_team
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config import api_urls
from wallet.models import Withdrawal

from .factories import LinkFactory, PartnerFactory, PostbackFactory, team_member
from .support import key_client

pytestmark = pytest.mark.django_db

ROLES = ["viewer", "member", "admin", "owner"]


@dataclass
class World:
    partner: object
    campaign: object
    gated: object
    link: object
    postback: object
    key: object
    target: object  # a viewer in the team, for the team pages to act on
    invitation: object


@pytest.fixture
def world(partner_server):
    partner = PartnerFactory()
    campaign = CampaignFactory()
    GoalFactory(campaign=campaign)
    gated = CampaignFactory(visibility="approval_required")
    target = team_member(partner, "viewer")
    invitation, _token = teams.team_invite(
        team=partner_team(partner), actor=partner.user, email="later@example.com", role="viewer"
    )
    return World(
        partner=partner,
        campaign=campaign,
        gated=gated,
        link=LinkFactory(partner=partner, campaign=campaign),
        postback=PostbackFactory(partner=partner, url=f"{partner_server.url}/pb?c={{click_id}}"),
        key=key_client(partner)[1],
        target=TeamMember.objects.get(user=target),
        invitation=invitation,
    )


def snapshot(w: World):
    """Everything a portal page or API call could change in the partner account."""
    w.partner.refresh_from_db()
    return {
        "links": list(Link.objects.filter(partner=w.partner).values_list("name", "status")),
        "postbacks": list(
            PartnerPostback.objects.filter(partner=w.partner).values_list("url", "is_active")
        ),
        "keys": list(ApiKey.objects.filter(partner=w.partner).values_list("pk", "revoked_at")),
        "access": PartnerCampaign.objects.filter(partner=w.partner).count(),
        "payout": (w.partner.payout_method, w.partner.payout_details),
        "withdrawals": Withdrawal.objects.filter(user=w.partner.user).count(),
        "members": list(
            TeamMember.objects.filter(team=w.partner.team).values_list("user_id", "role")
        ),
        "invitations": list(
            TeamInvitation.objects.filter(team=w.partner.team).values_list("email", "revoked_at")
        ),
    }


# (url name, its arguments, method, form data, the lowest role that may)
PAGES = [
    ("dashboard", lambda w: [], "get", None, "viewer"),
    ("campaigns", lambda w: [], "get", None, "viewer"),
    ("campaign", lambda w: [w.gated.slug], "get", None, "viewer"),
    ("access-request", lambda w: [w.gated.slug], "post", {"note": "hi"}, "member"),
    ("links", lambda w: [], "get", None, "viewer"),
    ("links", lambda w: [], "post", lambda w: {"campaign": w.campaign.pk}, "member"),
    ("link-status", lambda w: [w.link.pk], "post", {"status": "paused"}, "member"),
    ("reports", lambda w: [], "get", None, "viewer"),
    ("reports-csv", lambda w: [], "get", None, "viewer"),
    ("conversions", lambda w: [], "get", None, "viewer"),
    ("payouts", lambda w: [], "get", None, "viewer"),
    ("payout-request", lambda w: [], "post", {}, "admin"),
    (
        "payout-details",
        lambda w: [],
        "post",
        {"method": "paypal", "paypal_email": "new@example.com", "password": PASSWORD},
        "admin",
    ),
    ("postbacks", lambda w: [], "get", None, "admin"),
    (
        "postbacks",
        lambda w: [],
        "post",
        lambda w: {"url": w.postback.url + "&x=1", "method": "GET"},
        "admin",
    ),
    ("postback", lambda w: [w.postback.pk], "get", None, "admin"),
    ("postback-test", lambda w: [w.postback.pk], "post", {}, "admin"),
    ("postback-delete", lambda w: [w.postback.pk], "post", {}, "admin"),
    ("api-keys", lambda w: [], "get", None, "admin"),
    ("api-keys", lambda w: [], "post", {"name": "new", "role": "viewer"}, "admin"),
    ("api-key-revoke", lambda w: [w.key.pk], "post", {}, "admin"),
    ("team", lambda w: [], "get", None, "viewer"),
    ("team", lambda w: [], "post", {"email": "n@example.com", "role": "viewer"}, "owner"),
    ("team-member-role", lambda w: [w.target.pk], "post", {"role": "member"}, "owner"),
    ("team-member-remove", lambda w: [w.target.pk], "post", {}, "owner"),
    ("team-invitation-revoke", lambda w: [w.invitation.pk], "post", {}, "owner"),
    ("team-leave", lambda w: [], "post", {}, "viewer"),
]


def allowed(role, lowest) -> bool:
    # The spec written out (viewer < member < admin < owner), not read from permissions.
    return ROLES.index(role) >= ROLES.index(lowest)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,args,method,data,lowest", PAGES, ids=[f"{p[2]}-{p[0]}" for p in PAGES]
)
def test_portal_page_by_role(client, world, role, name, args, method, data, lowest):
    client.force_login(team_member(world.partner, role))
    before = snapshot(world)
    url = reverse(f"affiliates:{name}", args=args(world))
    payload = data(world) if callable(data) else data

    response = getattr(client, method)(url, payload or {})

    if allowed(role, lowest):
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403
        assert snapshot(world) == before


# (route name, its arguments, method, JSON body, the lowest role that may)
API = [
    ("api-partner-campaigns", lambda w: [], "get", None, "viewer"),
    ("api-partner-links", lambda w: [], "get", None, "viewer"),
    (
        "api-partner-links",
        lambda w: [],
        "post",
        lambda w: {"campaign": w.campaign.pk},
        "member",
    ),
    ("api-partner-link", lambda w: [w.link.pk], "get", None, "viewer"),
    ("api-partner-link", lambda w: [w.link.pk], "patch", {"name": "renamed"}, "member"),
    ("api-partner-link", lambda w: [w.link.pk], "delete", None, "member"),
    ("api-partner-reports", lambda w: [], "get", None, "viewer"),
    ("api-partner-conversions", lambda w: [], "get", None, "viewer"),
    ("api-partner-payouts", lambda w: [], "get", None, "viewer"),
    ("api-partner-payouts", lambda w: [], "post", None, "admin"),
    ("api-partner-postbacks", lambda w: [], "get", None, "admin"),
    (
        "api-partner-postbacks",
        lambda w: [],
        "post",
        lambda w: {"url": w.postback.url + "&y=1"},
        "admin",
    ),
    ("api-partner-postback", lambda w: [w.postback.pk], "get", None, "admin"),
    (
        "api-partner-postback",
        lambda w: [w.postback.pk],
        "patch",
        {"is_active": False},
        "admin",
    ),
    ("api-partner-postback", lambda w: [w.postback.pk], "delete", None, "admin"),
    ("api-partner-postback-test", lambda w: [w.postback.pk], "post", None, "admin"),
    ("api-partner-deliveries", lambda w: [w.postback.pk], "get", None, "admin"),
]


def _call(api, name, args, method, data, world):
    payload = data(world) if callable(data) else data
    url = reverse(name, args=args(world))
    return (
        getattr(api, method)(url, payload, format="json") if payload else getattr(api, method)(url)
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,args,method,data,lowest", API, ids=[f"{a[2]}-{a[0]}" for a in API])
def test_partner_api_by_role(world, role, name, args, method, data, lowest):
    api = APIClient()
    api.force_login(team_member(world.partner, role))
    before = snapshot(world)

    response = _call(api, name, args, method, data, world)

    if allowed(role, lowest):
        assert response.status_code < 400 or response.status_code in (400, 409), response.json()
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "role_not_allowed"
        assert snapshot(world) == before


def test_a_viewer_reads_reports_but_cannot_create_a_link_page_or_api(client, world):
    viewer = team_member(world.partner, "viewer")
    client.force_login(viewer)
    api = APIClient()
    api.force_login(viewer)

    assert client.get(reverse("affiliates:reports")).status_code == 200
    assert api.get(reverse("api-partner-reports")).status_code == 200
    page = client.post(reverse("affiliates:links"), {"campaign": world.campaign.pk})
    answer = api.post(reverse("api-partner-links"), {"campaign": world.campaign.pk}, format="json")

    assert page.status_code == 403
    assert answer.status_code == 403
    assert answer.json() == {
        "code": "role_not_allowed",
        "detail": "Your role (viewer) in this partner account may not do this.",
    }
    assert Link.objects.filter(partner=world.partner).count() == 1
    # The links page shows the partner's links without the form to make one.
    listing = client.get(reverse("affiliates:links")).content.decode()
    assert world.link.name in listing
    assert 'data-test="link-form"' not in listing
    # … and says why, rather than leaving the viewer to look for a missing form.
    assert "As a viewer you see the team's links and their figures" in listing


def test_a_member_acts_on_the_team_partner_not_their_own(client, world):
    own = PartnerFactory()
    team_member(world.partner, "member", user=own.user)
    client.force_login(own.user)
    client.post(reverse("affiliates:switch"), {"partner": world.partner.pk})

    response = client.post(
        reverse("affiliates:links"), {"campaign": world.campaign.pk, "name": "Team link"}
    )

    assert response.status_code == 302
    made = Link.objects.get(name="Team link")
    assert made.partner == world.partner
    assert Link.objects.filter(partner=own).count() == 0
    # The API, by the same session, works in the same account.
    api = APIClient()
    api.cookies = client.cookies
    listed = api.get(reverse("api-partner-links")).json()["results"]
    assert sorted(row["name"] for row in listed) == sorted([world.link.name, "Team link"])
    # Their own account is one switch away, where they are its owner.
    client.post(reverse("affiliates:switch"), {"partner": own.pk})
    assert client.get(reverse("affiliates:dashboard")).context["request"].team_role == "owner"
    assert api.get(reverse("api-partner-links")).json()["results"] == []


def test_switching_to_an_account_one_does_not_work_in_is_refused(client, world):
    stranger = UserFactory()
    client.force_login(stranger)

    client.post(reverse("affiliates:switch"), {"partner": world.partner.pk})

    assert client.get(reverse("affiliates:dashboard")).status_code == 302  # off to apply
    assert client.session.get("partner_id") is None


def test_a_removed_member_loses_the_portal_at_once(client, world):
    user = team_member(world.partner, "admin")
    client.force_login(user)
    assert client.get(reverse("affiliates:dashboard")).status_code == 200

    teams.team_member_remove(member=TeamMember.objects.get(user=user), actor=world.partner.user)

    assert client.get(reverse("affiliates:dashboard")).status_code == 302
    assert client.get(reverse("affiliates:links")).url == reverse("affiliates:apply")


# --- API keys: the role chosen at creation, capped by the creator's role now ---------


def _key(world, creator, role):
    from affiliates.services.apikeys import api_key_create

    _key, raw = api_key_create(partner=world.partner, name="k", created_by=creator, role=role)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return api


def test_a_viewer_key_reads_but_cannot_create_a_link(world):
    api = _key(world, world.partner.user, "viewer")

    assert api.get(reverse("api-partner-links")).status_code == 200
    answer = api.post(reverse("api-partner-links"), {"campaign": world.campaign.pk}, format="json")

    assert answer.status_code == 403
    assert answer.json()["code"] == "role_not_allowed"
    assert Link.objects.filter(partner=world.partner).count() == 1


def test_a_postback_deleted_through_a_team_admins_key_names_that_admin(world):
    """Key authentication names the account holder as the request's user; the record of
    who deleted must name the key's creator, who acted."""
    from accounts.models import AuditLog

    admin = team_member(world.partner, "admin")
    postback = PostbackFactory(partner=world.partner)
    api = _key(world, admin, "admin")

    answer = api.delete(reverse("api-partner-postback", args=[postback.pk]))

    assert answer.status_code == 204
    stored = PartnerPostback.all_objects.get(pk=postback.pk)
    assert stored.deleted_by == admin
    audit = AuditLog.objects.get(action="partnerpostback.delete")
    assert audit.actor == admin


def test_a_key_shrinks_with_its_creator_and_dies_when_they_leave(world):
    admin = team_member(world.partner, "admin")
    api = _key(world, admin, "admin")
    member = TeamMember.objects.get(user=admin)
    assert api.get(reverse("api-partner-postbacks")).status_code == 200

    teams.team_member_set_role(member=member, role="member", actor=world.partner.user)

    assert api.get(reverse("api-partner-postbacks")).status_code == 403
    created = api.post(reverse("api-partner-links"), {"campaign": world.campaign.pk}, format="json")
    assert created.status_code == 201

    teams.team_member_remove(member=member, actor=world.partner.user)

    gone = api.get(reverse("api-partner-links"))
    assert gone.status_code == 403
    assert gone.json()["code"] == "role_not_allowed"


def test_nobody_makes_a_key_above_their_role(world):
    from affiliates.services.apikeys import ApiKeyRefused, api_key_create

    member = team_member(world.partner, "member")

    with pytest.raises(ApiKeyRefused) as refused:
        api_key_create(partner=world.partner, name="k", created_by=member, role="admin")

    assert refused.value.code == "role_above_yours"
    assert ApiKey.objects.filter(partner=world.partner).count() == 1


def test_an_admin_makes_a_viewer_key_in_the_portal(client, world):
    admin = team_member(world.partner, "admin")
    client.force_login(admin)

    response = client.post(reverse("affiliates:api-keys"), {"name": "Read only", "role": "viewer"})

    key = ApiKey.objects.get(name="Read only")
    assert (key.partner, key.role, key.created_by) == (world.partner, "viewer", admin)
    assert response.context["new_key"].startswith(key.prefix)


# --- Every route is behind a decision ------------------------------------------------


def test_every_partner_api_route_and_method_has_an_action():
    views = {
        p.name: p.callback.view_class for p in api_urls.partner_urls if isinstance(p, URLPattern)
    }
    assert set(views) == set(API_ACTIONS)
    for name, view in views.items():
        offered = {
            m.upper()
            for m in view.http_method_names
            if hasattr(view, m) and m not in ("options", "head")
        }
        assert offered == set(API_ACTIONS[name]), name
    # ...and the matrix above tries every one of them.
    assert {(a[0], a[2].upper()) for a in API} == {
        (name, method) for name, methods in API_ACTIONS.items() for method in methods
    }


def test_every_portal_page_is_behind_partner_page():
    open_pages = {"apply", "pending", "team-join", "switch"}
    for pattern in portal_urls.urlpatterns:
        if pattern.name in open_pages:
            continue
        assert hasattr(pattern.callback, "partner_actions"), pattern.name
    assert {p[0] for p in PAGES} >= {
        p.name for p in portal_urls.urlpatterns if p.name not in open_pages
    }


def test_an_admin_changes_payout_details_with_their_own_password_and_the_holder_is_told(
    client, world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import AuditLog

    admin = team_member(world.partner, "admin")
    client.force_login(admin)
    data = {"method": "paypal", "paypal_email": "team@example.com", "tax_id": ""}

    wrong = client.post(reverse("affiliates:payout-details"), {**data, "password": "nope"})
    with django_capture_on_commit_callbacks(execute=True):
        right = client.post(reverse("affiliates:payout-details"), {**data, "password": PASSWORD})

    assert wrong.status_code == 200 and right.status_code == 302
    world.partner.refresh_from_db()
    assert world.partner.payout_details == '{"paypal_email": "team@example.com"}'
    assert [m.to for m in mail.outbox] == [[world.partner.user.email]]
    audit = AuditLog.objects.get(action="partner.payout_details")
    assert (audit.actor, audit.entity_id) == (admin, str(world.partner.pk))


def test_a_refused_portal_page_says_why_and_leads_back(client, world):
    """The portal's refusal names the role; the page shows it with the site's navigation and
    a way back, not a bare "403 Forbidden"."""
    viewer = team_member(world.partner, "viewer")
    client.force_login(viewer)

    response = client.get(reverse("affiliates:api-keys"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role (viewer) in this partner account may not do this." in page
    assert f'href="{reverse("affiliates:dashboard")}"' in page
    assert f'href="{reverse("affiliates:team")}"' in page  # who decides roles


@pytest.mark.parametrize(
    ("role", "label"), [("member", "See payouts"), ("admin", "Request a payout")]
)
def test_the_dashboard_offers_a_payout_request_only_to_roles_that_may_ask(
    client, world, role, label
):
    client.force_login(team_member(world.partner, role))

    page = client.get(reverse("affiliates:dashboard")).content.decode()

    assert f'data-test="payouts-link">{label}</a>' in page


def test_a_viewer_on_a_campaign_that_needs_access_is_told_who_may_ask(client, world):
    client.force_login(team_member(world.partner, "viewer"))

    page = client.get(reverse("affiliates:campaign", args=[world.gated.slug])).content.decode()

    assert "As a viewer you cannot ask; the team's members, admins and owners can." in page
    assert reverse("affiliates:access-request", args=[world.gated.slug]) not in page


@pytest.mark.parametrize(("role", "told"), [("member", True), ("admin", False)])
def test_the_payouts_page_says_who_requests_payouts(client, world, role, told):
    client.force_login(team_member(world.partner, role))

    page = client.get(reverse("affiliates:payouts")).content.decode()

    assert ("Only the account's admins and owners request payouts." in page) is told
    assert ('data-test="request-payout"' in page) is not told
