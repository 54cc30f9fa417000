"""Partners' tracked links."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from campaigns.models import Campaign, host_allowed
from config.errors import Conflict, Refusal

from ..models import Link, Partner
from ..models.links import generate_link_slug
from .access import partner_may_promote

LINK_MACROS = ("{click_id}", "{sub1}", "{sub2}", "{sub3}", "{affiliate_id}", "{campaign_id}")
EDITABLE = ("name", "destination_url", "sub1", "sub2", "sub3", "status")


class LinkRefused(Refusal):
    pass


class LinkHasTraffic(LinkRefused, Conflict):
    code = "has_traffic"


def _check_destination(url: str, campaign: Campaign) -> str:
    url = (url or campaign.default_destination_url).strip()
    if not url:
        raise LinkRefused("destination_required", "Give a destination URL.", "destination_url")
    probe = url
    for macro in LINK_MACROS:
        probe = probe.replace(macro, "x")
    if "{" in probe or "}" in probe:
        raise LinkRefused(
            "unknown_macro", f"Only these macros work: {' '.join(LINK_MACROS)}.", "destination_url"
        )
    try:
        URLValidator(schemes=["http", "https"])(probe)
    except ValidationError as exc:
        raise LinkRefused("invalid_url", "Enter a full http(s) URL.", "destination_url") from exc
    domains = campaign.domains
    allowed = host_allowed(probe, domains) if domains else url == campaign.default_destination_url
    if not allowed:
        where = ", ".join(domains) if domains else "the campaign's own page"
        raise LinkRefused(
            "domain_not_allowed", f"The destination must be on {where}.", "destination_url"
        )
    return url


def link_check(*, partner: Partner, campaign: Campaign, destination_url: str) -> str:
    """The rules of a new link (the partner may promote the campaign, the destination is on
    its domains), for whoever makes one: the partner, or staff in the admin. Returns the
    destination to store; raises LinkRefused."""
    if not partner_may_promote(partner, campaign):
        raise LinkRefused(
            "campaign_not_open", "You cannot promote this campaign (yet).", "campaign"
        )
    return _check_destination(destination_url, campaign)


def link_create(
    *,
    partner: Partner,
    campaign: Campaign,
    name: str,
    destination_url: str = "",
    sub1: str = "",
    sub2: str = "",
    sub3: str = "",
    slug: str = "",
) -> Link:
    destination = link_check(partner=partner, campaign=campaign, destination_url=destination_url)
    fields = {
        "partner": partner,
        "campaign": campaign,
        "name": name.strip() or campaign.name,
        "destination_url": destination,
        "sub1": sub1,
        "sub2": sub2,
        "sub3": sub3,
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Link.objects.create(slug=slug or generate_link_slug(), **fields)
        except IntegrityError as exc:
            if slug:
                raise LinkRefused("slug_taken", "That link name is taken.", "slug") from exc
    raise LinkRefused("slug_taken", "Could not find a free link name; try again.", "slug")


def link_update(*, link: Link, data: dict) -> Link:
    changes = {k: v for k, v in data.items() if k in EDITABLE}
    if "name" in changes:
        changes["name"] = changes["name"].strip() or link.campaign.name
    if "destination_url" in changes:
        changes["destination_url"] = _check_destination(changes["destination_url"], link.campaign)
    if changes.get("status", Link.Status.ACTIVE) not in Link.Status.values:
        raise LinkRefused("invalid_status", "Status is active or paused.", "status")
    for name, value in changes.items():
        setattr(link, name, value)
    link.save(update_fields=[*changes, "updated_at"])
    return link


def link_delete(*, link: Link) -> None:
    """Links that carried traffic are history (clicks and conversions point at them)."""
    if link.clicks_count or link.conversions_count:
        raise LinkHasTraffic(detail="This link has traffic: pause it instead.")
    try:
        with transaction.atomic():
            link.delete()
    except IntegrityError as exc:  # clicks not rolled up into the counters yet
        raise LinkHasTraffic(detail="This link has traffic: pause it instead.") from exc
