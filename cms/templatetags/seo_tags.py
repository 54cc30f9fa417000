"""The parts of a page's SEO head that depend on the request, not on the view."""

from django import template
from django.conf import settings
from django.core.paginator import Page

from ..seo_paths import is_noindex_path

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_canonical(context) -> str:
    """The view's canonical URL, else SITE_URL + the path: never the Host header, never a
    query string but the number of the list page shown past the first (each page of a list
    is its own page). The number is the paginator's, not the query's: `?page=abc` or
    `?page=999` show the first or the last page, and say so."""
    seo = context.get("seo")
    if seo is not None and getattr(seo, "canonical_url", ""):
        return seo.canonical_url
    request = context.get("request")
    if request is None:
        return settings.SITE_URL + "/"
    url = settings.SITE_URL + request.path
    listing = context.get("page_obj") or context.get("page")
    if isinstance(listing, Page) and listing.number > 1:
        url += f"?page={listing.number}"
    return url


@register.simple_tag(takes_context=True)
def seo_noindex(context) -> bool:
    seo = context.get("seo")
    if seo is not None and getattr(seo, "noindex", False):
        return True
    request = context.get("request")
    return request is not None and is_noindex_path(request.path)
