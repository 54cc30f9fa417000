"""URLs: newsletter (to be built)."""

urlpatterns: list = []
