"""What the catalogue's pages (home, stores, store, category, offer, search) tell search
engines and link previews: a `SeoMeta` per page, built from rows the view already loaded,
so the meta costs no query.

JSON-LD never carries an offer's coupon code: the offer page hides it behind "Reveal code
& go" (the click-out is what earns the shopper cashback), and structured data would hand it
to every scraper.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator

from offers.models import Category, Merchant, Offer

from ..seo import SeoMeta, absolute_url

DESCRIPTION_CHARS = 160  # what result pages show; longer is cut with an ellipsis
SCHEMA = "https://schema.org"


def _text(*candidates: str) -> str:
    """The first non-blank candidate, on one line, cut to DESCRIPTION_CHARS."""
    for text in candidates:
        flat = " ".join((text or "").split())
        if flat:
            return Truncator(flat).chars(DESCRIPTION_CHARS)
    return ""


def _image(field) -> str:
    return absolute_url(field.url) if field else ""


def _store_image(store: Merchant) -> str:
    return _image(store.banner) or _image(store.logo)


def _breadcrumbs(*crumbs: tuple[str, str]) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute_url(path)}
            for n, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def _organization(store: Merchant) -> dict:
    data = {
        "@type": "Organization",
        "name": store.name,
        "url": absolute_url(store.get_absolute_url()),
    }
    if store.logo:
        data["logo"] = _image(store.logo)
    if store.website:
        data["sameAs"] = [store.website]
    return data


def _offer(offer: Offer, store: Merchant) -> dict:
    data = {
        "@type": "Offer",
        "name": offer.title,
        "url": absolute_url(offer.get_absolute_url()),
        "seller": _organization(store),
    }
    if description := _text(offer.description):
        data["description"] = description
    if offer.starts_at:
        data["validFrom"] = offer.starts_at.isoformat()
    if offer.ends_at:
        data["validThrough"] = offer.ends_at.isoformat()
    return data


def home_seo() -> SeoMeta:
    return SeoMeta(
        title=f"{settings.SITE_NAME}: cashback and coupons",
        description=(
            f"Cashback and coupon codes from hundreds of stores: click out through "
            f"{settings.SITE_NAME}, shop as usual, get paid back."
        ),
    )


def stores_seo() -> SeoMeta:
    return SeoMeta(
        title=f"All stores · {settings.SITE_NAME}",
        description=f"Every store with cashback on {settings.SITE_NAME}, A to Z.",
    )


def store_seo(store: Merchant, offers) -> SeoMeta:
    """`offers`: the live offers the page lists (its page of them, already loaded)."""
    organization = {
        "@context": SCHEMA,
        **_organization(store),
        "description": _text(store.description, store.seo_description),
    }
    if not organization["description"]:
        del organization["description"]
    if offers:
        organization["makesOffer"] = [
            {k: v for k, v in _offer(offer, store).items() if k != "seller"} for offer in offers
        ]
    return SeoMeta(
        title=f"{store.seo_title or store.name} cashback · {settings.SITE_NAME}",
        description=_text(
            store.seo_description, store.description, f"{store.cashback_label} at {store.name}."
        ),
        image_url=_store_image(store),
        structured_data=[
            organization,
            _breadcrumbs(
                ("Home", reverse("home")),
                ("Stores", reverse("offers:stores")),
                (store.name, store.get_absolute_url()),
            ),
        ],
    )


def category_seo(category: Category) -> SeoMeta:
    return SeoMeta(
        title=f"{category.seo_title or category.name} cashback and coupons · {settings.SITE_NAME}",
        description=_text(
            category.seo_description,
            category.description,
            f"{category.name}: cashback and coupons on {settings.SITE_NAME}.",
        ),
        image_url=_image(category.banner),
    )


def offer_seo(offer: Offer) -> SeoMeta:
    store = offer.merchant
    return SeoMeta(
        title=f"{offer.title} · {store.name} · {settings.SITE_NAME}",
        description=_text(offer.description, f"{offer.cashback_label} at {store.name}."),
        image_url=_store_image(store),
        structured_data=[
            {"@context": SCHEMA, **_offer(offer, store)},
            _breadcrumbs(
                ("Home", reverse("home")),
                (store.name, store.get_absolute_url()),
                (offer.title, offer.get_absolute_url()),
            ),
        ],
    )


def search_seo(query: str) -> SeoMeta:
    return SeoMeta(
        title=f"Search{f': {query}' if query else ''} · {settings.SITE_NAME}",
        description=f"Stores and offers on {settings.SITE_NAME} matching your search.",
        noindex=True,
    )
