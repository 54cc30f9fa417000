"""URLs: blog (to be built)."""

urlpatterns: list = []
