"""The CMS pages, one URL module per feature, all mounted at the site root."""

from django.urls import include, path

app_name = "cms"

urlpatterns = [
    path("", include("cms.urls_pages")),
    path("", include("cms.urls_blog")),
    path("", include("cms.urls_newsletter")),
    path("", include("cms.urls_seo")),
]
