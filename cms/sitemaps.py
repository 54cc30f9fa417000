"""The sitemap sections: what search engines may index, each URL on SITE_URL's host.

Without django.contrib.sites, Django's sitemaps take the host from the request (a
RequestSite), so a bot calling us by another name (an IP address, a staging alias that
ALLOWED_HOSTS accepts) would be told to index that name. Every section here builds its
URLs on SITE_URL instead. Sections read only the columns the URL and `lastmod` need, one
page of rows per query (the paginator's count, then the slice).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from offers.models import Category, Merchant, Offer

from .models import Page, Post


def site_scheme_and_host() -> tuple[str, str]:
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme or "https", parts.netloc


class SiteUrlSitemap(Sitemap):
    """A section on SITE_URL's scheme and host, `lastmod` from the rows' `updated_at`."""

    # Rows are read with only these columns (plus the primary key).
    fields: tuple[str, ...] = ()

    def get_protocol(self, protocol=None):
        return site_scheme_and_host()[0]

    def get_domain(self, site=None):
        return site_scheme_and_host()[1]

    def queryset(self):
        raise NotImplementedError

    def items(self):
        # Ordered by primary key: pages of 50,000 must not overlap or skip rows.
        return self.queryset().only(*self.fields, "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which reads every row.
        return self.queryset().aggregate(latest=Max("updated_at"))["latest"]


class StoreSitemap(SiteUrlSitemap):
    fields = ("slug",)

    def queryset(self):
        return Merchant.objects.live()


class CategorySitemap(SiteUrlSitemap):
    fields = ("slug",)

    def queryset(self):
        return Category.objects.filter(is_active=True)


class OfferSitemap(SiteUrlSitemap):
    """Live offers only: the offer page answers 404 for everything else."""

    def queryset(self):
        return Offer.objects.live()


class PageSitemap(SiteUrlSitemap):
    fields = ("slug",)

    def queryset(self):
        return Page.objects.filter(status=Page.Status.PUBLISHED)


class PostSitemap(SiteUrlSitemap):
    fields = ("slug",)

    def queryset(self):
        return Post.objects.published()


# Section name → class (the views instantiate one per request, so no paginator outlives it).
SITEMAPS: dict[str, type[SiteUrlSitemap]] = {
    "stores": StoreSitemap,
    "categories": CategorySitemap,
    "offers": OfferSitemap,
    "pages": PageSitemap,
    "posts": PostSitemap,
}
