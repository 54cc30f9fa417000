"""URLs: sitemaps, robots.txt and the favicon (cms.views_seo)."""

from django.urls import path

from . import views_seo

urlpatterns = [
    path("sitemap.xml", views_seo.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views_seo.sitemap_section, name="sitemap-section"),
    path("robots.txt", views_seo.robots_txt, name="robots"),
    path("favicon.ico", views_seo.favicon, name="favicon"),
]
