"""Catalog pages. Reads only: views of offers are counted by a tracking beacon."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from cms.services import seo_catalog

from . import selectors
from .home import home_catalogue_html
from .models import Category, Merchant

PAGE_SIZE = 24


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request):
    return render(
        request,
        "offers/home.html",
        {"catalogue": home_catalogue_html(), "seo": seo_catalog.home_seo()},
    )


def stores(request):
    return render(
        request,
        "offers/stores.html",
        {
            "page": _page(request, Merchant.objects.live().order_by("name")),
            "seo": seo_catalog.stores_seo(),
        },
    )


def category(request, slug):
    node = get_object_or_404(Category, slug=slug, is_active=True)
    return render(
        request,
        "offers/category.html",
        {
            "category": node,
            "children": node.children.filter(is_active=True),
            "page": _page(request, selectors.offers_in_category(node)),
            "seo": seo_catalog.category_seo(node),
        },
    )


def merchant(request, slug):
    store = selectors.merchant_page(slug)
    if store is None:
        raise Http404("No such store.")
    page = _page(request, selectors.live_offers().filter(merchant=store))
    # The JSON-LD lists the page's offers: the same rows the template shows, loaded once.
    return render(
        request,
        "offers/merchant.html",
        {"merchant": store, "page": page, "seo": seo_catalog.store_seo(store, list(page))},
    )


def offer(request, offer_id):
    item = selectors.live_offers().filter(pk=offer_id).first()
    if item is None:
        raise Http404("This offer has ended or does not exist.")
    return render(
        request,
        "offers/offer.html",
        {"offer": item, "merchant": item.merchant, "seo": seo_catalog.offer_seo(item)},
    )


def search(request):
    query = request.GET.get("q", "")[:100]
    merchants, offers = selectors.search(query)
    return render(
        request,
        "offers/search.html",
        {
            "q": query,
            "merchants": merchants[:12],
            "page": _page(request, offers),
            "seo": seo_catalog.search_seo(query),
        },
    )
