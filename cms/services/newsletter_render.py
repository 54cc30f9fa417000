"""An issue's text and HTML: its Markdown body (sanitised by cms.markdown) and, when
asked, the top offers of the last seven days (offers.top_offers, by sales), each with
its store, cashback and an absolute link to the offer's page (not the click-out: the
newsletter tracks nothing)."""

from dataclasses import dataclass
from datetime import timedelta

import nh3
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from offers.models import Offer
from offers.top_offers import top_offers

from ..markdown import ATTRIBUTES, TAGS, URL_SCHEMES, render_markdown
from ..models import NewsletterIssue


def _absolute_links(tag: str, attribute: str, value: str) -> str:
    # A link to one of our pages (`[stores](/stores/)`) is relative in the Markdown, and
    # an email has no page to be relative to: it would open nothing.
    if tag == "a" and attribute == "href" and value.startswith("/") and not value.startswith("//"):
        return settings.SITE_URL + value
    return value


def _without_images(html: str) -> str:
    # A mail client loads an <img> when the email is opened: an image on another host is
    # a tracking pixel for that host (the reader's address, when, which client).
    return nh3.clean(
        html,
        tags=TAGS - {"img"},
        attributes={tag: names for tag, names in ATTRIBUTES.items() if tag != "img"},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_absolute_links,
    )


@dataclass(frozen=True)
class IssueOffer:
    store: str
    title: str
    cashback: str
    url: str


def issue_top_offers(limit: int | None = None) -> list[IssueOffer]:
    """The week's best sellers a reader can still use: an offer ended, disabled or of a
    closed store since its sales is left out and the next live one takes its place."""
    limit = limit or settings.NEWSLETTER_TOP_OFFERS
    end = timezone.localdate()
    rows = top_offers(start=end - timedelta(days=6), end=end, limit=max(limit * 10, 50))
    offers = Offer.objects.live().select_related("merchant").in_bulk([row.pk for row in rows])
    rows = [row for row in rows if row.pk in offers][:limit]
    return [
        IssueOffer(
            store=offer.merchant.name,
            title=offer.title,
            cashback=offer.cashback_label,
            url=settings.SITE_URL + offer.get_absolute_url(),
        )
        for row in rows
        if (offer := offers.get(row.pk)) is not None
    ]


def issue_render(issue: NewsletterIssue) -> tuple[str, str]:
    """(text, html) of the issue, without the per-recipient unsubscribe footer."""
    text = issue.body.strip()
    html = _without_images(render_markdown(issue.body))
    offers = issue_top_offers() if issue.include_top_offers else []
    if offers:
        text += "\n\nTop offers this week\n\n" + "\n".join(
            f"- {o.store}: {o.title} ({o.cashback} cashback)\n  {o.url}" for o in offers
        )
        items = "".join(
            f'<li><strong>{escape(o.store)}</strong>: <a href="{escape(o.url)}">'
            f"{escape(o.title)}</a> ({escape(o.cashback)} cashback)</li>"
            for o in offers
        )
        html += f"<h2>Top offers this week</h2><ul>{items}</ul>"
    return text + "\n", html
