"""Reads of the catalog shared by pages and the API. Shoppers only ever see live rows."""

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, FloatField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from .models import Category, Merchant, MerchantCommission, Offer

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


POPULAR_SECONDS = 60  # the counters it ranks by roll up once a minute


def popular_offers(*, min_clicks: int = 10, limit: int = 6) -> list[Offer]:
    """Best converting live offers, from the rolled-up counters (no scan of the clicks).

    Ranking every live offer takes a sort of the whole catalog; the ranking can only change
    when the counters roll up, so it is kept for that long, and each request just loads
    the offers (dropping any that stopped being live meanwhile)."""
    key = f"offers:popular:{min_clicks}:{limit}"
    ranked = cache.get(key)
    if ranked is None:
        rate = Cast(F("conversions_count"), FloatField()) / Cast(F("clicks_count"), FloatField())
        ranked = list(
            Offer.objects.live()
            .filter(clicks_count__gte=max(min_clicks, 1))
            .annotate(conversion_rate=rate)
            .order_by("-conversion_rate", "-clicks_count", "pk")
            .values_list("pk", flat=True)[: limit * 2]
        )
        cache.set(key, ranked, POPULAR_SECONDS)
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
