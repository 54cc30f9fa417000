"""The app's URLs plus /bench/bare/: the baseline the tracked hot paths are compared with.

The bare view answers what /out/ and /go/ answer, a 302 to a tracking URL carrying a new
click id with the same headers (never_cache, X-Robots-Tag), through the same middleware,
but touches neither the database nor the session nor the cache.
"""

import uuid

from django.http import HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BARE_DESTINATION = "https://track.example.com/c?sub={click_id}&u=&m=bench-store"


@never_cache
@require_GET
def bare(request):
    response = HttpResponseRedirect(BARE_DESTINATION.format(click_id=uuid.uuid4()))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("config.urls")),
]
