"""URLs: seo (to be built)."""

urlpatterns: list = []
