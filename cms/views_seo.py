"""The sitemap index, its sections and robots.txt. Bots fetch these often and they change
slowly: each answer is cached for SEO_CACHE_SECONDS.

The cache is keyed on the URL, query string included, so every query parameter but a
section's page number (`?p=2`, as a number) is dropped before the cache sees it: with
`?x=<random>` a bot would otherwise rebuild a 50,000-URL section on every request and
fill the shared cache with copies of it."""

from functools import wraps

from django.conf import settings
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap, x_robots_tag
from django.http import HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe

from .seo_paths import DISALLOW_PREFIXES
from .sitemaps import SITEMAPS

SEO_CACHE_SECONDS = 600


def _page_query(page: str) -> str:
    if not page:
        return ""
    if page.isascii() and page.isdigit():
        return "" if int(page) == 1 else f"p={int(page)}"  # ?p=1, ?p=01: the first
    return "p=0"  # not a number: the sitemap view answers 404, which is not cached


def _cache_key_query(*, page: bool):
    """Keep only what the view reads (a section's page number) for the cache key."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            query = _page_query(request.GET.get("p", "")) if page else ""
            request.META["QUERY_STRING"] = query
            request.GET = QueryDict(query)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_safe
@_cache_key_query(page=False)
@cache_page(SEO_CACHE_SECONDS)
@x_robots_tag
def sitemap_index(request):
    # Django's index view builds each section's address on the request's host; ours are
    # on SITE_URL's, like every URL the sections list.
    items = []
    for section, cls in SITEMAPS.items():
        site = cls()
        location = settings.SITE_URL + reverse("cms:sitemap-section", args=[section])
        lastmod = site.get_latest_lastmod()
        items.append(SitemapIndexItem(location, lastmod))
        items += [
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, site.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )


@require_safe
@_cache_key_query(page=True)
@cache_page(SEO_CACHE_SECONDS)
def sitemap_section(request, section):
    return sitemap(request, {section: SITEMAPS[section]} if section in SITEMAPS else {}, section)


def robots_lines() -> list[str]:
    return [
        "User-agent: *",
        *(f"Disallow: {prefix}" for prefix in DISALLOW_PREFIXES),
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('cms:sitemap')}",
    ]


@require_safe
@_cache_key_query(page=False)
@cache_page(SEO_CACHE_SECONDS)
def robots_txt(request):
    return HttpResponse("\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    # Browsers and bots ask for /favicon.ico whatever the page's <link rel="icon"> says:
    # answered, it stops being the top line of the 404 log (and a full 404 page each time).
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
