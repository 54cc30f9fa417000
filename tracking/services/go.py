"""/go/<slug>/: a partner's link. One SELECT (link, campaign, partner), one INSERT."""

import hashlib
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache

from affiliates.models import Link, Partner
from campaigns.models import Campaign
from config.fast_insert import insert_row
from config.request_meta import describe_user_agent

from ..models import AffiliateClick

_LINK_COLUMNS = (
    "id",
    "slug",
    "destination_url",
    "status",
    "sub1",
    "sub2",
    "sub3",
    "partner__id",
    "partner__status",
    "campaign__id",
    "campaign__status",
    "campaign__fallback_url",
)
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def link_for_click(slug: str) -> Link | None:
    return (
        Link.objects.select_related("partner", "campaign")
        .only(*_LINK_COLUMNS)
        .filter(slug=slug)
        .first()
    )


def link_is_live(link: Link) -> bool:
    return (
        link.status == Link.Status.ACTIVE
        and link.campaign.status == Campaign.Status.ACTIVE
        and link.partner.status == Partner.Status.APPROVED
    )


def fallback_url(link: Link) -> str:
    return link.campaign.fallback_url or settings.AFFILIATE_FALLBACK_URL


def visitor_device(user_agent: str) -> str:
    """desktop, mobile, tablet or bot (crawlers, HTTP libraries and command-line tools)."""
    return describe_user_agent(user_agent)["kind"]


def first_visit(link_id: int, ip: str | None, user_agent: str) -> bool:
    """Is this ip + user agent new to the link within the window? Decided in the cache
    (atomic add), so the hot path makes no extra query."""
    digest = hashlib.sha256(f"{link_id}|{ip}|{user_agent}".encode()).hexdigest()[:32]
    return cache.add(f"go:seen:{digest}", 1, timeout=settings.AFFILIATE_UNIQUE_CLICK_WINDOW)


@dataclass(frozen=True)
class RecordedClick:
    """What the redirect needs of the click it just wrote."""

    click_id: uuid.UUID
    sub1: str
    sub2: str
    sub3: str


def affiliate_click_record(
    *, link: Link, params, ip, user_agent, device, referrer, country
) -> RecordedClick:
    is_bot = device == "bot"
    unique = first_visit(link.pk, ip, user_agent) and not is_bot
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
            "partner": link.partner.pk,
            "campaign": link.campaign.pk,
            "sub1": click.sub1,
            "sub2": click.sub2,
            "sub3": click.sub3,
            **{name: params.get(name, "")[:255] for name in UTM},
            "ip": ip,
            "user_agent": user_agent,
            "device_type": device,
            "referrer": referrer[:512],
            "country": country,
            "is_unique": unique,
            "is_bot": is_bot,
        },
    )
    return click


def link_destination(link: Link, click: RecordedClick) -> str:
    values = {
        "click_id": str(click.click_id),
        "sub1": click.sub1,
        "sub2": click.sub2,
        "sub3": click.sub3,
        "affiliate_id": str(link.partner.pk),
        "campaign_id": str(link.campaign.pk),
    }
    url = link.destination_url
    for name, value in values.items():
        url = url.replace("{" + name + "}", quote(value, safe=""))
    return url
