from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from offers.views import home
from wallet.views import dashboard

from .health import health

admin.site.site_header = "SaveBucks administration"
admin.site.site_title = "SaveBucks admin"

urlpatterns = [
    # First: the redirects and postbacks are most of the traffic, and Django tries the
    # patterns in order (their prefixes, out/ go/ v/ postback/ activity/, clash with none).
    path("", include("tracking.urls")),
    path("", home, name="home"),
    path("dashboard/", dashboard, name="dashboard"),
    path("wallet/", include("wallet.urls")),
    path("accounts/", include("accounts.urls")),
    # Social login: allauth's provider flows only; the account pages above stay the one
    # login path (none of their URLs starts with social/, so nothing clashes).
    path("accounts/social/", include("accounts.social.urls")),
    path("", include("gamification.urls")),
    path("", include("support.urls")),
    path("", include("offers.urls")),
    path("", include("store.urls")),
    path("", include("cms.urls")),
    path("partners/", include("affiliates.urls")),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "config.error_pages.not_found"
