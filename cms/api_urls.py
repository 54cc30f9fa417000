"""The CMS routes under /api/v1/, one module per feature."""

from django.urls import include, path

urlpatterns = [
    path("", include("cms.api_urls_content")),
    path("", include("cms.api_urls_newsletter")),
]
