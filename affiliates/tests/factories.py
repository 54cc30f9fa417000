import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from affiliates.models import Link, Partner, PartnerPostback
from campaigns.tests.factories import CampaignFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    """An approved partner paid by PayPal (log in with accounts.tests.factories.PASSWORD)."""

    class Meta:
        model = Partner

    user = factory.SubFactory(UserFactory)
    name = factory.Faker("name")
    website = "https://partner.example.org"
    traffic_sources = "A coupon blog"
    status = Partner.Status.APPROVED
    approved_at = factory.LazyFunction(timezone.now)
    payout_method = "paypal"
    payout_details = factory.LazyAttribute(lambda o: f'{{"paypal_email": "{o.user.email}"}}')


class PendingPartnerFactory(PartnerFactory):
    status = Partner.Status.PENDING
    approved_at = None


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    partner = factory.SubFactory(PartnerFactory)
    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Link {n}")
    slug = factory.Sequence(lambda n: f"link-{n}")
    destination_url = "https://example.com/landing?click={click_id}&s1={sub1}"


class PostbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerPostback

    partner = factory.SubFactory(PartnerFactory)
    url = "https://partner.example.org/pb?click={click_id}&payout={payout}&status={status}"
    method = PartnerPostback.Method.GET


def team_member(partner, role, user=None):
    """`user` (a new one if None) in `partner`'s team as `role`, the way people get there:
    the account holder invites them and they accept (an owner is invited as admin, then
    promoted). Returns the user."""
    from accounts.models import TeamMember
    from accounts.services import teams
    from affiliates.services.team import partner_team

    user = user or UserFactory()
    team = partner_team(partner)
    Role = TeamMember.Role
    _invitation, token = teams.team_invite(
        team=team,
        actor=partner.user,
        email=user.email,
        role=Role.ADMIN if role == Role.OWNER else role,
    )
    member = teams.team_invitation_accept(token=token, user=user)
    if role == Role.OWNER:
        teams.team_member_set_role(member=member, role=role, actor=partner.user)
    return user
