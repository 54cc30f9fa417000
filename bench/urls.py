"""The app's URLs plus the benchmarks' baselines under /bench/.

/bench/bare/ answers what /out/ and /go/ answer, a 302 to a tracking URL carrying a new
click id with the same headers (never_cache, X-Robots-Tag), through the same middleware,
but touches neither the database nor the session nor the cache.

/bench/static/, /bench/static/partner/ and /bench/static/admin/ are the dashboards'
static twins: the site's, the partner portal's and the admin's layout with an empty
content block, so they cost only what every page of that layout costs (session, user,
the partner for the portal, the footer links, the admin's sidebar).
"""

import uuid

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from affiliates.views.base import partner_page

BARE_DESTINATION = "https://track.example.com/c?sub={click_id}&u=&m=bench-store"


@never_cache
@require_GET
def bare(request):
    response = HttpResponseRedirect(BARE_DESTINATION.format(click_id=uuid.uuid4()))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def static_site(request):
    return render(request, "base.html")


@partner_page
def static_partner(request):
    return render(request, "affiliates/base.html")


def static_admin(request):
    context = {**admin.site.each_context(request), "title": "Static"}
    return render(request, "admin/base_site.html", context)


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/static/", static_site, name="bench-static"),
    path("bench/static/partner/", static_partner, name="bench-static-partner"),
    path("bench/static/admin/", admin.site.admin_view(static_admin), name="bench-static-admin"),
    path("", include("config.urls")),
]
