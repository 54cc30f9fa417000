"""The home page's catalogue (top categories, featured stores, featured and popular
offers), built once per process and kept as rendered HTML.

The lists change when staff change the catalogue (a save, a status move: the row cache's
version, seen by every process within a second), when the 30-day figures the popular
list ranks by roll up and change its ranking (the rollup job bumps the same version), and
when time passes an offer's start or end. The last is exact: the catalogue
carries the first moment one of its offers ends or a featured offer starts, and is built
again once that moment has passed. Without this, the home page cost five times a static
page of the same layout, most of it building the same four queries' SQL and rendering
the same twenty cards for every visitor.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone, translation

from config.row_cache import RowCache

from . import selectors
from .models import Category, Merchant, MerchantCommission, Network, Offer


@dataclass(frozen=True)
class HomeCatalogue:
    context: dict
    changes_at: datetime | None  # an offer shown ends, or a featured offer starts
    # Rendered sections by (time zone, language): the cards show dates and labels.
    html: dict = field(default_factory=dict)


def _next_change(offers: list[Offer], now: datetime) -> datetime | None:
    ends = [offer.ends_at for offer in offers if offer.ends_at]
    starts = Offer.objects.filter(
        is_featured=True, status=Offer.Status.ACTIVE, deleted_at__isnull=True, starts_at__gt=now
    ).aggregate(first=Min("starts_at"))["first"]
    moments = [*ends, *([starts] if starts else [])]
    return min(moments) if moments else None


def _build(_key) -> HomeCatalogue:
    now = timezone.now()
    offers = list(selectors.featured_offers())
    popular = selectors.popular_offers()
    context = {
        "categories": list(selectors.top_categories()),
        "merchants": list(selectors.featured_merchants()),
        "offers": offers,
        "popular": popular,
    }
    return HomeCatalogue(context=context, changes_at=_next_change([*offers, *popular], now))


home_catalogue_rows = RowCache(
    "home-catalogue",
    _build,
    depends_on=(Offer, Merchant, Network, Category, MerchantCommission),
    max_rows=1,
)


def home_catalogue() -> HomeCatalogue:
    catalogue = home_catalogue_rows.get("home")
    if catalogue.changes_at is not None and timezone.now() >= catalogue.changes_at:
        home_catalogue_rows.forget()
        catalogue = home_catalogue_rows.get("home")
    return catalogue


def home_catalogue_html() -> str:
    catalogue = home_catalogue()
    key = (timezone.get_current_timezone_name(), translation.get_language())
    html = catalogue.html.get(key)
    if html is None:
        html = render_to_string("offers/_home_catalogue.html", catalogue.context)
        catalogue.html[key] = html
    return html


def popular_ranking_refresh() -> bool:
    """Rank the popular offers again (the minute rollup job, after the daily figures
    moved); True, and every process's home catalogue rebuilt, only if the ranking
    changed."""
    ranked = selectors.popular_ranking()
    if cache.get(selectors.POPULAR_KEY) == ranked:
        return False
    cache.set(selectors.POPULAR_KEY, ranked, selectors.POPULAR_SECONDS)
    home_catalogue_rows.bump()
    return True
