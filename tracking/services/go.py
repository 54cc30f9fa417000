"""/go/<slug>/: a partner's link. The link's row from the process's cache (one SELECT
when it is not there), one INSERT; no call to Redis for the visitor (the minute roll-up
decides which clicks are unique)."""

import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

from affiliates.models import Link, Partner
from campaigns.models import Campaign
from config.fast_insert import insert_row
from config.request_meta import describe_user_agent
from config.row_cache import RowCache

from ..models import AffiliateClick

UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@dataclass(frozen=True)
class LinkRow:
    """What /go/ needs of a link, its campaign and its partner: no model instance."""

    pk: int
    destination_url: str
    status: str
    sub1: str
    sub2: str
    sub3: str
    partner_id: int
    partner_status: str
    campaign_id: int
    campaign_status: str
    campaign_fallback_url: str


def _link_row(slug: str) -> LinkRow | None:
    found = (
        Link.objects.filter(slug=slug)
        .values_list(
            "id",
            "destination_url",
            "status",
            "sub1",
            "sub2",
            "sub3",
            "partner_id",
            "partner__status",
            "campaign_id",
            "campaign__status",
            "campaign__fallback_url",
        )
        .first()
    )
    return LinkRow(*found) if found else None


# Every link's row holds its partner's and campaign's state: a change to any of the three
# (a pause, a suspension, a new fallback) reaches /go/ within a second.
links_by_slug = RowCache("links", _link_row, depends_on=(Link, Partner, Campaign))


def link_for_click(slug: str) -> LinkRow | None:
    return links_by_slug.get(slug)


def link_is_live(link: LinkRow) -> bool:
    return (
        link.status == Link.Status.ACTIVE
        and link.campaign_status == Campaign.Status.ACTIVE
        and link.partner_status == Partner.Status.APPROVED
    )


def fallback_url(link: LinkRow) -> str:
    return link.campaign_fallback_url or settings.AFFILIATE_FALLBACK_URL


def visitor_device(user_agent: str) -> str:
    """desktop, mobile, tablet or bot (crawlers, HTTP libraries and command-line tools)."""
    return describe_user_agent(user_agent)["kind"]


@dataclass(frozen=True)
class RecordedClick:
    """What the redirect needs of the click it just wrote."""

    click_id: uuid.UUID
    sub1: str
    sub2: str
    sub3: str


def affiliate_click_record(
    *, link: LinkRow, params, ip, user_agent, device, referrer, country
) -> RecordedClick:
    is_bot = device == "bot"
    click = RecordedClick(
        click_id=uuid.uuid4(),
        sub1=(params.get("sub1") or link.sub1)[:255],
        sub2=(params.get("sub2") or link.sub2)[:255],
        sub3=(params.get("sub3") or link.sub3)[:255],
    )
    insert_row(
        AffiliateClick,
        {
            "click_id": click.click_id,
            "link": link.pk,
            "partner": link.partner_id,
            "campaign": link.campaign_id,
            "sub1": click.sub1,
            "sub2": click.sub2,
            "sub3": click.sub3,
            **{name: params.get(name, "")[:255] for name in UTM},
            "ip": ip,
            "user_agent": user_agent,
            "device_type": device,
            "referrer": referrer[:512],
            "country": country,
            # Provisional: the minute roll-up decides whether this visitor was new to the
            # link within the window (unique_visitors.py) before anything counts it.
            "is_unique": not is_bot,
            "is_bot": is_bot,
        },
    )
    return click


def link_destination(link: LinkRow, click: RecordedClick) -> str:
    values = {
        "click_id": str(click.click_id),
        "sub1": click.sub1,
        "sub2": click.sub2,
        "sub3": click.sub3,
        "affiliate_id": str(link.partner_id),
        "campaign_id": str(link.campaign_id),
    }
    url = link.destination_url
    for name, value in values.items():
        url = url.replace("{" + name + "}", quote(value, safe=""))
    return url
