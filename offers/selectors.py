"""Reads of the catalog shared by pages and the API. Shoppers only ever see live rows."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, FloatField, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from .models import Category, Merchant, MerchantCommission, Offer, OfferDailyStats

OFFER_CARD_RELATED = ("merchant",)


def live_offers() -> QuerySet[Offer]:
    return Offer.objects.live().select_related(*OFFER_CARD_RELATED)


def featured_merchants(limit: int = 8) -> QuerySet[Merchant]:
    return Merchant.objects.live().filter(is_featured=True)[:limit]


def featured_offers(limit: int = 6) -> QuerySet[Offer]:
    return live_offers().filter(is_featured=True).order_by("-priority", "-created_at")[:limit]


def top_categories(limit: int = 12) -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, parent__isnull=True).order_by(
        "-is_featured", "sort_order", "name"
    )[:limit]


POPULAR_DAYS = 30  # the same window as the staff report of top offers
POPULAR_MIN_CLICKS = 10  # fewer clicks than this make no rate worth ranking by
POPULAR_RANKED = 24  # ids kept: some may stop being live before the ranking is refreshed
POPULAR_KEY = "offers:popular-ranking"
# The minute rollup job refreshes the ranking (offers.home.popular_ranking_refresh); this
# only bounds how long a ranking lives if that job stops.
POPULAR_SECONDS = 3600


def popular_ranking(*, today=None) -> list[int]:
    """Live offers' ids by their conversion rate over the last POPULAR_DAYS days (sales ÷
    clicks, sales being pending and confirmed cashback events), then by clicks, from the
    daily figures (a row per offer and day), never the clicks or the events."""
    since = (today or timezone.localdate()) - timedelta(days=POPULAR_DAYS - 1)
    rate = Cast(F("window_sales"), FloatField()) / Cast(F("window_clicks"), FloatField())
    return list(
        OfferDailyStats.objects.filter(day__gte=since, offer__in=Offer.objects.live().values("pk"))
        .values("offer_id")
        .annotate(window_clicks=Sum("clicks"), window_sales=Sum("sales"))
        .filter(window_clicks__gte=POPULAR_MIN_CLICKS)
        .annotate(conversion_rate=rate)
        .order_by("-conversion_rate", "-window_clicks", "offer_id")
        .values_list("offer_id", flat=True)[:POPULAR_RANKED]
    )


def popular_offers(*, limit: int = 6) -> list[Offer]:
    """Best converting live offers over the last 30 days. The ranking is kept in the shared
    cache (it changes only when the figures roll up, and ranking takes a sort of every
    offer clicked in the window); each call just loads the offers, dropping any that
    stopped being live meanwhile."""
    ranked = cache.get(POPULAR_KEY)
    if ranked is None:
        ranked = popular_ranking()
        cache.set(POPULAR_KEY, ranked, POPULAR_SECONDS)
    found = live_offers().in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found][:limit]


def category_with_descendants(category: Category) -> list[int]:
    """Ids of the category and everything below it (trees here are a few levels deep)."""
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier, is_active=True)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids += frontier
    return ids


def offers_in_category(category: Category) -> QuerySet[Offer]:
    return live_offers().filter(category_id__in=category_with_descendants(category))


def merchant_page(slug: str) -> Merchant | None:
    rates = MerchantCommission.objects.current().select_related("category").order_by("label")
    return (
        Merchant.objects.live()
        .prefetch_related(Prefetch("commissions", queryset=rates, to_attr="current_rates"))
        .filter(slug=slug)
        .first()
    )


def search(query: str) -> tuple[QuerySet[Merchant], QuerySet[Offer]]:
    """Stores and offers matching `query`: ranked full-text search on PostgreSQL, a
    case-insensitive substring match elsewhere (the embedded SQLite default)."""
    query = query.strip()
    merchants, offers = Merchant.objects.live(), live_offers()
    if not query:
        return merchants.none(), offers.none()
    if connection.vendor == "postgresql":
        return _postgres_search(query, merchants, offers)
    return (
        merchants.filter(Q(name__icontains=query) | Q(description__icontains=query)),
        offers.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(merchant__name__icontains=query)
        ),
    )


def _postgres_search(query, merchants, offers):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    terms = SearchQuery(query, search_type="websearch", config="english")
    merchant_vector = SearchVector("name", weight="A", config="english") + SearchVector(
        "description", weight="B", config="english"
    )
    offer_vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("merchant__name", weight="A", config="english")
        + SearchVector("description", weight="B", config="english")
    )
    return (
        merchants.annotate(document=merchant_vector, rank=SearchRank(merchant_vector, terms))
        .filter(document=terms)
        .order_by("-rank", "name"),
        offers.annotate(document=offer_vector, rank=SearchRank(offer_vector, terms))
        .filter(document=terms)
        .order_by("-rank", "-priority"),
    )


def offers_holding_categories(categories) -> list[tuple[Category, int, int]]:
    """(category, offers, active offers) for each of `categories` that offers still name:
    those cannot be deleted (Offer.category is PROTECT). One grouped query, however many
    offers a category has, so the admin can say why without listing them all."""
    counts = (
        Offer.objects.filter(category__in=categories)
        .values_list("category")
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=Offer.Status.ACTIVE, deleted_at__isnull=True)),
        )
        .order_by()
    )
    by_id = {category_id: (total, active) for category_id, total, active in counts}
    return [(c, *by_id[c.pk]) for c in categories if c.pk in by_id]
